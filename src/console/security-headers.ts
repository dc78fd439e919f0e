// The console's security headers: a page-shaped Content-Security-Policy (nothing runs: no script at all; styles
// only from the console's own stylesheet; forms post only to this origin; never framed) and the other
// secure headers, stricter than hono's defaults where a page allows it.
import type { MiddlewareHandler } from 'hono';
import { secureHeaders } from 'hono/secure-headers';

export const CONSOLE_CSP = {
  defaultSrc: ["'none'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  baseUri: ["'none'"],
} as const;

export function consoleSecureHeaders(): MiddlewareHandler {
  return secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: [...CONSOLE_CSP.defaultSrc],
      styleSrc: [...CONSOLE_CSP.styleSrc],
      imgSrc: [...CONSOLE_CSP.imgSrc],
      formAction: [...CONSOLE_CSP.formAction],
      frameAncestors: [...CONSOLE_CSP.frameAncestors],
      baseUri: [...CONSOLE_CSP.baseUri],
    },
    crossOriginResourcePolicy: 'same-origin',
    crossOriginOpenerPolicy: 'same-origin',
    xFrameOptions: 'DENY',
    referrerPolicy: 'no-referrer',
    permissionsPolicy: { camera: [], microphone: [], geolocation: [], payment: [], usb: [] },
  });
}
