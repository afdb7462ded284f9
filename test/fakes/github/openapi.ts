import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/**
 * GitHub's published REST description (`@octokit/openapi`, api.github.com, OpenAPI 3.0.3) used as
 * the judge of every request Ferry sends to the fake GitHub and every answer the fake gives.
 * The operation is found by method and path template; path and query parameters, the JSON
 * request body and the response body are checked against the operation's schemas, `$ref`s
 * resolved. The validator covers the JSON Schema that document uses: type (with `nullable`),
 * enum, properties, required, additionalProperties, items, allOf, anyOf, oneOf (exactly one),
 * string and number bounds, pattern, and the formats `date-time` and `uri`.
 */

// biome-ignore lint/suspicious/noExplicitAny: the OpenAPI document is untyped JSON
type Json = any;

const require = createRequire(import.meta.url);
let loaded: OpenApi | null = null;

/** The api.github.com description, parsed once per test process (13 MB). */
export function githubOpenApi(): OpenApi {
  if (!loaded) {
    const file = require.resolve('@octokit/openapi/generated/api.github.com.json');
    loaded = new OpenApi(JSON.parse(readFileSync(file, 'utf8')));
  }
  return loaded;
}

export interface Operation {
  operationId: string;
  method: string;
  template: string;
  pathParams: Record<string, string>;
  spec: Json;
}

interface CompiledPath {
  template: string;
  regex: RegExp;
  names: string[];
}

export class OpenApi {
  private readonly paths: CompiledPath[];

  constructor(readonly doc: Json) {
    this.paths = Object.keys(doc.paths)
      .map((template) => {
        const names: string[] = [];
        const source = template
          .split(/(\{[^}]+\})/)
          .map((part) => {
            const m = /^\{([^}]+)\}$/.exec(part);
            if (m) {
              names.push(m[1]!);
              return '([^/]+)';
            }
            return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
          })
          .join('');
        return { template, regex: new RegExp(`^${source}$`), names };
      })
      // A literal segment beats a parameter: /issues/comments before /issues/{issue_number}.
      .sort((a, b) => a.names.length - b.names.length);
  }

  resolve(node: Json): Json {
    let n = node;
    while (n && typeof n === 'object' && typeof n.$ref === 'string') {
      const parts = (n.$ref as string).replace(/^#\//, '').split('/');
      n = parts.reduce((o: Json, p) => o?.[p.replace(/~1/g, '/').replace(/~0/g, '~')], this.doc);
      if (n === undefined) throw new Error(`unresolvable $ref ${node.$ref}`);
    }
    return n;
  }

  findOperation(method: string, pathname: string): Operation | null {
    const m = method.toLowerCase();
    for (const p of this.paths) {
      const match = p.regex.exec(pathname);
      if (!match) continue;
      const spec = this.doc.paths[p.template][m];
      if (!spec) continue;
      const pathParams: Record<string, string> = {};
      p.names.forEach((n, i) => {
        pathParams[n] = decodeURIComponent(match[i + 1]!);
      });
      return { operationId: spec.operationId, method: m, template: p.template, pathParams, spec };
    }
    return null;
  }

  /** Everything wrong with a request, as the real API would see it; empty when it is acceptable. */
  validateRequest(op: Operation, query: URLSearchParams, body: unknown): string[] {
    const errors: string[] = [];
    const params: Json[] = (op.spec.parameters ?? []).map((p: Json) => this.resolve(p));
    for (const p of params) {
      if (p.in === 'path') {
        const v = op.pathParams[p.name];
        if (v === undefined) errors.push(`path parameter ${p.name} missing`);
        else errors.push(...this.validateParam(`path.${p.name}`, v, p.schema));
      } else if (p.in === 'query') {
        const values = query.getAll(p.name);
        if (values.length === 0) {
          if (p.required) errors.push(`query parameter ${p.name} is required`);
          continue;
        }
        for (const v of values) errors.push(...this.validateParam(`query.${p.name}`, v, p.schema));
      }
    }
    const known = new Set(params.filter((p) => p.in === 'query').map((p) => p.name));
    for (const name of new Set(query.keys()))
      if (!known.has(name)) errors.push(`query parameter ${name} is not defined for ${op.operationId}`);

    const rb = op.spec.requestBody ? this.resolve(op.spec.requestBody) : null;
    const schema = rb?.content?.['application/json']?.schema;
    if (body === undefined) {
      if (rb?.required) errors.push('request body is required');
    } else if (!schema) {
      errors.push(`${op.operationId} takes no JSON body`);
    } else {
      errors.push(...this.validate(body, schema, 'body'));
    }
    return errors;
  }

  /**
   * Everything wrong with a response. A status the operation does not declare is accepted only
   * for errors (4xx/5xx), whose body must then be GitHub's `basic-error` shape.
   */
  validateResponse(op: Operation, status: number, body: unknown): string[] {
    const declared = op.spec.responses?.[String(status)];
    if (!declared) {
      if (status >= 400) return this.validate(body, { $ref: '#/components/schemas/basic-error' }, 'response');
      return [`status ${status} is not a response of ${op.operationId}`];
    }
    const r = this.resolve(declared);
    const schema = r.content?.['application/json']?.schema;
    if (!schema)
      return body === undefined || body === null ? [] : [`${op.operationId} ${status} has no body`];
    return this.validate(body, schema, 'response');
  }

  private validateParam(where: string, raw: string, schemaRef: Json): string[] {
    const schema = this.resolve(schemaRef);
    let value: unknown = raw;
    if (schema?.type === 'integer' || schema?.type === 'number') {
      if (!/^-?\d+(\.\d+)?$/.test(raw)) return [`${where}: '${raw}' is not a number`];
      value = Number(raw);
    } else if (schema?.type === 'boolean') {
      if (raw !== 'true' && raw !== 'false') return [`${where}: '${raw}' is not a boolean`];
      value = raw === 'true';
    }
    return this.validate(value, schema, where);
  }

  /** Validates `value` against `schemaNode`; returns the problems with their paths. */
  validate(value: unknown, schemaNode: Json, path: string): string[] {
    const s = this.resolve(schemaNode);
    if (s === undefined || s === null || s === true) return [];
    const errors: string[] = [];

    if (value === null) {
      if (s.nullable === true || s.type === 'null' || (Array.isArray(s.type) && s.type.includes('null')))
        return [];
      if (s.enum?.includes(null)) return [];
      if (s.anyOf || s.oneOf || s.allOf) {
        // fall through: a member may accept null
      } else if (s.type !== undefined || s.properties || s.items) {
        return [`${path}: null is not allowed`];
      }
    }

    if (s.allOf) for (const sub of s.allOf) errors.push(...this.validate(value, sub, path));
    if (s.anyOf) {
      const results = s.anyOf.map((sub: Json) => this.validate(value, sub, path));
      if (!results.some((r: string[]) => r.length === 0))
        errors.push(`${path}: matches none of anyOf (${results.map((r: string[]) => r[0]).join(' | ')})`);
    }
    if (s.oneOf) {
      const results = s.oneOf.map((sub: Json) => this.validate(value, sub, path));
      const ok = results.filter((r: string[]) => r.length === 0).length;
      if (ok !== 1)
        errors.push(
          ok === 0
            ? `${path}: matches none of oneOf (${results.map((r: string[]) => r[0]).join(' | ')})`
            : `${path}: matches ${ok} members of oneOf, expected exactly one`,
        );
    }
    if (value === null && (s.anyOf || s.oneOf || s.allOf)) return errors;

    if (s.enum && !s.enum.some((e: unknown) => e === value))
      errors.push(`${path}: ${JSON.stringify(value)} not in enum`);

    const types: string[] = s.type === undefined ? [] : Array.isArray(s.type) ? s.type : [s.type];
    if (types.length > 0 && !types.some((t) => typeMatches(value, t))) {
      errors.push(`${path}: expected ${types.join('|')}, got ${describeType(value)}`);
      return errors;
    }

    if (typeof value === 'string') {
      if (s.minLength !== undefined && value.length < s.minLength)
        errors.push(`${path}: shorter than ${s.minLength}`);
      if (s.maxLength !== undefined && value.length > s.maxLength)
        errors.push(`${path}: longer than ${s.maxLength}`);
      if (s.pattern && !new RegExp(s.pattern, 'u').test(value))
        errors.push(`${path}: does not match ${s.pattern}`);
      if (s.format === 'date-time' && Number.isNaN(Date.parse(value)))
        errors.push(`${path}: not a date-time`);
      if (s.format === 'uri' && !URL.canParse(value)) errors.push(`${path}: not a uri`);
    }
    if (typeof value === 'number') {
      if (s.minimum !== undefined && value < s.minimum) errors.push(`${path}: below ${s.minimum}`);
      if (s.maximum !== undefined && value > s.maximum) errors.push(`${path}: above ${s.maximum}`);
    }
    if (Array.isArray(value)) {
      if (s.minItems !== undefined && value.length < s.minItems)
        errors.push(`${path}: fewer than ${s.minItems} items`);
      if (s.maxItems !== undefined && value.length > s.maxItems)
        errors.push(`${path}: more than ${s.maxItems} items`);
      if (s.items)
        value.forEach((v, i) => {
          errors.push(...this.validate(v, s.items, `${path}[${i}]`));
        });
    }
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const obj = value as Record<string, unknown>;
      for (const r of s.required ?? []) if (!(r in obj)) errors.push(`${path}.${r}: required`);
      const props = s.properties ?? {};
      for (const [k, v] of Object.entries(obj)) {
        if (k in props) errors.push(...this.validate(v, props[k], `${path}.${k}`));
        else if (s.additionalProperties === false) errors.push(`${path}.${k}: not allowed`);
        else if (s.additionalProperties && typeof s.additionalProperties === 'object')
          errors.push(...this.validate(v, s.additionalProperties, `${path}.${k}`));
      }
    }
    return errors;
  }
}

function typeMatches(value: unknown, t: string): boolean {
  switch (t) {
    case 'string':
      return typeof value === 'string';
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'number':
      return typeof value === 'number';
    case 'boolean':
      return typeof value === 'boolean';
    case 'array':
      return Array.isArray(value);
    case 'object':
      return value !== null && typeof value === 'object' && !Array.isArray(value);
    case 'null':
      return value === null;
    default:
      return true;
  }
}

function describeType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}
