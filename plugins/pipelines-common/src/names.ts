/** RFC 1123 label: what Kubernetes requires of namespace names. */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** RFC 1123 subdomain: what Kubernetes requires of most object names. */
const DNS_SUBDOMAIN =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** The patterns as the CRD manifest states them (kept equal by a test). */
export const DNS_LABEL_PATTERN = DNS_LABEL.source;
/** @public */
export const DNS_SUBDOMAIN_PATTERN = DNS_SUBDOMAIN.source;
/** @public */
export const DNS_LABEL_MAX_LENGTH = 63;
/** @public */
export const DNS_SUBDOMAIN_MAX_LENGTH = 253;

/**
 * A git repository URL the pull-request strategy can use: http(s), a host, no spaces.
 * Kept equal to the CRD's `url` pattern by a test.
 * @public
 */
export const REPOSITORY_URL_PATTERN = '^https?://[^\\s/?#@]+(/[^\\s?#]*)?$';

/** @public */
export function isValidDnsLabel(value: string): boolean {
  return value.length <= DNS_LABEL_MAX_LENGTH && DNS_LABEL.test(value);
}

/** @public */
export function isValidDnsSubdomain(value: string): boolean {
  return value.length <= DNS_SUBDOMAIN_MAX_LENGTH && DNS_SUBDOMAIN.test(value);
}
