import {
  DNS_LABEL_MAX_LENGTH,
  DNS_SUBDOMAIN_MAX_LENGTH,
  isValidDnsLabel,
  isValidDnsSubdomain,
} from './names';
import type { ValidationIssue } from './validation';

/** A parsed JSON / YAML object. */
export type Json = Record<string, unknown>;

/** Collects the issues of a document as its fields are read. */
export class Checker {
  readonly issues: ValidationIssue[] = [];

  add(path: string, message: string) {
    this.issues.push({ path, message });
  }

  /** The object at `path`, or undefined (with an issue) when absent or not an object. */
  object(
    parent: Json,
    key: string,
    path: string,
    required: boolean,
  ): Json | undefined {
    const value = parent[key];
    if (value === undefined || value === null) {
      if (required) this.add(path, 'required');
      return undefined;
    }
    if (typeof value !== 'object' || Array.isArray(value)) {
      this.add(path, 'must be an object');
      return undefined;
    }
    return value as Json;
  }

  array(parent: Json, key: string, path: string): unknown[] | undefined {
    const value = parent[key];
    if (value === undefined || value === null) {
      this.add(path, 'required');
      return undefined;
    }
    if (!Array.isArray(value)) {
      this.add(path, 'must be a list');
      return undefined;
    }
    return value;
  }

  string(
    parent: Json,
    key: string,
    path: string,
    opts: { required: boolean; check?: (v: string) => string | undefined },
  ): string | undefined {
    const value = parent[key];
    if (value === undefined || value === null) {
      if (opts.required) this.add(path, 'required');
      return undefined;
    }
    if (typeof value !== 'string') {
      this.add(path, 'must be a string');
      return undefined;
    }
    if (value === '') {
      if (opts.required) this.add(path, 'required');
      else this.add(path, 'must not be empty');
      return undefined;
    }
    const problem = opts.check?.(value);
    if (problem) {
      this.add(path, problem);
      return undefined;
    }
    return value;
  }

  oneOf(
    parent: Json,
    key: string,
    path: string,
    allowed: readonly string[],
    required = true,
  ) {
    this.string(parent, key, path, {
      required,
      check: v =>
        allowed.includes(v)
          ? undefined
          : `must be one of ${allowed.join(', ')} (got "${v}")`,
    });
  }
}

/** A check for a DNS label (a namespace). */
export const dnsLabel = (what: string) => (v: string) =>
  isValidDnsLabel(v)
    ? undefined
    : `"${v}" is not a valid ${what}: lower-case letters, digits and '-', starting and ending with a letter or digit, at most ${DNS_LABEL_MAX_LENGTH} characters`;

/** A check for a DNS subdomain (an object name). */
export const dnsSubdomain = (what: string) => (v: string) =>
  isValidDnsSubdomain(v)
    ? undefined
    : `"${v}" is not a valid ${what}: lower-case letters, digits, '-' and '.', starting and ending with a letter or digit, at most ${DNS_SUBDOMAIN_MAX_LENGTH} characters`;

/** A check against a regular expression, with the problem to report. */
export const matches = (pattern: string, problem: (v: string) => string) => {
  const re = new RegExp(pattern);
  return (v: string) => (re.test(v) ? undefined : problem(v));
};
