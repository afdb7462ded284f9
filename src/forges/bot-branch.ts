/**
 * The bot branch for (issue, stream): `<namespace>/<issue key>-<stream>`. Issue keys such as
 * `owner/repo#12` and stream names such as `9.6` are made safe for a ref name: every run of
 * characters other than letters, digits, `.`, `_` and `-` becomes one `-`, and no part starts
 * with `.` or `-` or ends with `.lock`.
 */
export function botBranchName(namespace: string, issueKey: string, stream: string): string {
  const safe = (s: string) =>
    s
      .replace(/[^A-Za-z0-9._-]+/g, '-')
      .replace(/\.{2,}/g, '.')
      .replace(/^[.-]+|[.-]+$/g, '')
      .replace(/\.lock$/i, '-lock');
  const leaf = `${safe(issueKey)}-${safe(stream)}`;
  return `${namespace}/${leaf}`;
}
