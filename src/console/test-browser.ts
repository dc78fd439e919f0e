// For the console's app-level tests: just enough of a browser over app.request() — keeps cookies, sends the
// same-origin headers a real browser sends on a form post, and reads hidden form fields from a page.
import type { Hono } from 'hono';

export const TEST_ORIGIN = 'http://localhost';

export interface FormRequest {
  readonly method?: string;
  readonly form?: Record<string, string>;
  readonly headers?: Record<string, string>;
}

export class TestBrowser {
  private readonly cookies = new Map<string, string>();

  // `any` environment: the console is mounted on the API's app, whose env type the tests need not name.
  constructor(private readonly app: Hono<any>) {}

  async fetch(pathname: string, init: FormRequest = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (cookie) headers.set('cookie', cookie);
    let body: string | undefined;
    if (init.form) {
      headers.set('content-type', 'application/x-www-form-urlencoded');
      if (!headers.has('origin')) headers.set('origin', TEST_ORIGIN);
      body = new URLSearchParams(init.form).toString();
    }
    const res = await this.app.request(`${TEST_ORIGIN}${pathname}`, { method: init.method ?? (init.form ? 'POST' : 'GET'), headers, ...(body ? { body } : {}) });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const [name, ...rest] = pair!.split('=');
      const value = rest.join('=');
      if (/max-age=0/i.test(line) || value === '') this.cookies.delete(name!.trim());
      else this.cookies.set(name!.trim(), value);
    }
    return res;
  }

  has(name: string): boolean {
    return this.cookies.has(name);
  }

  /** The value of a hidden form field on a page. */
  static field(html: string, name: string): string {
    const m = new RegExp(`name="${name}" value="([^"]+)"`).exec(html);
    if (!m?.[1]) throw new Error(`no ${name} field`);
    return m[1];
  }

  async signIn(token: string): Promise<Response> {
    const page = await (await this.fetch('/console/sign-in')).text();
    return this.fetch('/console/sign-in', { form: { token, formToken: TestBrowser.field(page, 'formToken') } });
  }
}
