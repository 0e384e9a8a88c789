/**
 * The public satisfaction survey page a customer opens from the e-mailed link (`GET /survey/{token}`), and
 * its form's answer (`POST /survey/{token}`, form-encoded). Plain HTML, no script: it works on any phone.
 * It shows the complaint's number and category only; nothing personal.
 */
import type { ApiResponse } from '#shared/http/api';

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

function page(statusCode: number, title: string, body: string): ApiResponse {
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title>
<style>
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;padding:1.25rem;color:#1b1f24;background:#f6f7f9}
main{max-width:28rem;margin:0 auto;background:#fff;border-radius:12px;padding:1.25rem;box-shadow:0 1px 3px #0002}
h1{font-size:1.35rem;margin:0 0 .75rem}
dl{display:grid;grid-template-columns:auto 1fr;gap:.25rem .75rem;margin:0 0 1rem}
dt{color:#57606a}dd{margin:0;font-weight:600}
fieldset{border:0;padding:0;margin:0 0 1rem;display:flex;gap:.5rem;flex-wrap:wrap}
legend{margin-bottom:.5rem}
label{flex:1 0 3.2rem;text-align:center;border:2px solid #c9d1d9;border-radius:10px;padding:.8rem 0;font-size:1.25rem;cursor:pointer}
input[type=radio]{display:block;margin:0 auto .3rem;width:1.3rem;height:1.3rem}
button{width:100%;font-size:1.1rem;padding:.9rem;border:0;border-radius:10px;background:#0b5cad;color:#fff}
small{color:#57606a}
</style>
</head>
<body><main>
${body}
</main></body>
</html>
`;
  return {
    statusCode,
    text: html,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      // The link is a credential: keep it out of caches and referrers.
      'referrer-policy': 'no-referrer',
      'x-frame-options': 'DENY',
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
    },
  };
}

const describeComplaint = (view: { number: string; category: string }) =>
  `<dl><dt>Complaint</dt><dd>${escapeHtml(view.number)}</dd><dt>Category</dt><dd>${escapeHtml(view.category)}</dd></dl>`;

/** The question: the complaint's number and category, a rating from 1 (very unhappy) to 5 (very happy). */
export function surveyFormPage(view: { number: string; category: string }, action: string): ApiResponse {
  const choices = [1, 2, 3, 4, 5]
    .map((n) => `<label><input type="radio" name="rating" value="${n}" required>${n}</label>`)
    .join('');
  return page(
    200,
    'How did we handle your complaint?',
    `<h1>How did we handle your complaint?</h1>
${describeComplaint(view)}
<form method="post" action="${escapeHtml(action)}">
<fieldset><legend>1 = very dissatisfied, 5 = very satisfied</legend>${choices}</fieldset>
<button type="submit">Send my rating</button>
</form>
<p><small>This link works once.</small></p>`,
  );
}

export function surveyThanksPage(rating: number): ApiResponse {
  const low = rating <= 2;
  return page(
    200,
    'Thank you',
    `<h1>Thank you for your rating</h1>
<p>You rated the handling of your complaint ${rating} of 5.</p>
<p>${low ? 'We are sorry we did not get it right. A manager will review your complaint and we will contact you again.' : 'We are glad we could help.'}</p>`,
  );
}

/** A link that cannot be answered (already answered, expired, forged, closed), with its status. */
export function surveyRefusedPage(statusCode: number, message: string): ApiResponse {
  const title = statusCode === 409 ? 'Already answered' : 'This survey link cannot be used';
  return page(statusCode, title, `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p>`);
}
