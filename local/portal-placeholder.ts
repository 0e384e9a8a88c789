/** The page at `/` until the staff portal (web/) is built and served here. */
export function portalPlaceholder(baseUrl: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Complaint hotline (local)</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family: system-ui, sans-serif; max-width: 48rem; margin: 2rem auto; line-height: 1.5">
<h1>Complaint hotline: local runtime</h1>
<p>The staff portal is not part of this build yet. The system is running:</p>
<ul>
<li><a href="${baseUrl}/health">Health of every component</a></li>
<li><a href="${baseUrl}/api/openapi.json">The API (OpenAPI description)</a></li>
<li>A token for a local user: <code>POST ${baseUrl}/local/token {"username":"alice","groups":["agent"]}</code></li>
<li>Simulated time: <code>GET/POST ${baseUrl}/local/clock</code></li>
</ul></body></html>`;
}
