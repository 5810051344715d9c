import type { IncomingHttpHeaders } from 'node:http';
import type { TokenRecord } from './tokens.js';

export interface ApiRequest {
  method: string;
  /** Path as received, without the query string. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  rawBody: string;
  /** Parsed JSON when the body is JSON; undefined otherwise. */
  body: unknown;
  params: Record<string, string>;
  token?: TokenRecord;
}

export interface ApiResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** HTML answers (the OAuth consent/error page) instead of JSON. */
  html?: string;
}

export const json = (status: number, body?: unknown): ApiResponse => ({ status, body });
export const noContent = (): ApiResponse => ({ status: 204 });

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Request bodies are untrusted; handlers read fields through these instead of casting. */
export function bodyObject(req: ApiRequest): Record<string, unknown> {
  return isObject(req.body) ? req.body : {};
}

export function stringList(v: unknown): string[] | undefined {
  if (Array.isArray(v)) return v.map(String);
  if (typeof v === 'string') return v.split(',').map((s) => s.trim()).filter(Boolean);
  return undefined;
}
