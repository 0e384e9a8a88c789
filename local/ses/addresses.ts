/**
 * What SES checks about the names in a mail: an address (`local@domain`, optionally with a display name,
 * `"Complaints desk" <complaints@hotline.example.com>`), a domain, and which identities cover an address.
 */

// The WHATWG e-mail syntax (HTML's input type=email): what a sender or recipient field must hold.
const ADDRESS =
  /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;
const DISPLAY_NAME_FORM = /^\s*(?:"(?:[^"\\]|\\.)*"|[^<>"]*)\s*<([^<>]+)>\s*$/;
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;

/** The bare address of `a@b.example` or `Name <a@b.example>`, or undefined when it is not an address. */
export function mailboxAddress(value: string): string | undefined {
  const bare = DISPLAY_NAME_FORM.exec(value)?.[1]?.trim() ?? value.trim();
  return ADDRESS.test(bare) ? bare : undefined;
}

/** A domain SES could verify: two or more DNS labels, the last one not all digits (not an IP address). */
export function isDomainName(value: string): boolean {
  const labels = value.split('.');
  return (
    value.length <= 253 &&
    labels.length >= 2 &&
    labels.every((label) => LABEL.test(label)) &&
    !/^\d+$/.test(labels[labels.length - 1] ?? '')
  );
}

/**
 * The identities that let an address send (or, in the sandbox, receive): the address itself, its domain and
 * that domain's parents (SES lets a verified domain cover its subdomains), each in lower case.
 */
export function identitiesCovering(address: string): string[] {
  const lower = address.toLowerCase();
  const domain = lower.slice(lower.lastIndexOf('@') + 1);
  const labels = domain.split('.');
  const domains = labels.slice(0, -1).map((_, i) => labels.slice(i).join('.'));
  return [lower, ...domains];
}
