import { TrackerInputError } from './types.js';

/**
 * Hidden markers that make comments idempotent: Ferry puts one in every comment it writes and
 * looks for it before writing again. In Markdown trackers the marker is an HTML comment, which
 * GitHub and GitLab do not render; Jira keeps it in a comment property instead.
 */

const MARKER = /^[A-Za-z0-9._:/#@+=?%~&-]{1,200}$/;

export function assertMarker(marker: string): string {
  if (!MARKER.test(marker) || marker.includes('--'))
    throw new TrackerInputError(
      marker,
      `comment marker '${marker}' must be 1-200 of A-Z a-z 0-9 . _ : / # @ + = ? % ~ & - without '--'`,
    );
  return marker;
}

const EMBEDDED = /<!-- ferry:marker=([A-Za-z0-9._:/#@+=?%~&-]{1,200}) -->/;

/** `body` followed by the marker as an HTML comment on its own line. */
export function withMarker(body: string, marker: string): string {
  assertMarker(marker);
  return `${body.replace(/\s+$/, '')}\n\n<!-- ferry:marker=${marker} -->\n`;
}

/** The marker a Markdown comment carries, or null. */
export function markerOf(body: string | null | undefined): string | null {
  return body ? (EMBEDDED.exec(body)?.[1] ?? null) : null;
}

/** Markers of link comments name the MR's URL. */
export const LINK_MARKER_PREFIX = 'link:';

export function linkMarker(url: string): string {
  return assertMarker(`${LINK_MARKER_PREFIX}${url}`);
}

/** The MR links recorded by Ferry's link comments among `bodies`. */
export function linksInComments(
  bodies: (string | null | undefined)[],
): { url: string; title: null; via: 'comment' }[] {
  const links: { url: string; title: null; via: 'comment' }[] = [];
  for (const b of bodies) {
    const m = markerOf(b);
    if (m?.startsWith(LINK_MARKER_PREFIX))
      links.push({ url: m.slice(LINK_MARKER_PREFIX.length), title: null, via: 'comment' });
  }
  return links;
}
