import { createContext, createElement, useContext, useEffect, type ReactNode } from 'react';
import type { JobstreamClient } from '../types.js';
import { sharedClient, type SharedClientOptions } from './shared-client.js';

const ClientContext = createContext<JobstreamClient | undefined>(undefined);

export type JobstreamProviderProps =
  | { readonly client: JobstreamClient; readonly children?: ReactNode }
  | (SharedClientOptions & { readonly client?: undefined; readonly children?: ReactNode });

/**
 * Gives its tree one Jobstream connection: the `client` given, or the shared, reference-counted one
 * for `url` and credentials (safe under StrictMode: a remount reuses it, it never connects twice).
 */
export function JobstreamProvider(props: JobstreamProviderProps): ReactNode {
  const { children, ...options } = props;
  const shared = options.client ? undefined : sharedClient(options);
  useEffect(() => shared?.retain(), [shared]);
  return createElement(ClientContext.Provider, { value: options.client ?? shared?.client }, children);
}

/** The client of the nearest `JobstreamProvider`, or undefined outside one. */
export function useOptionalClient(): JobstreamClient | undefined {
  return useContext(ClientContext);
}

/** The client of the nearest `JobstreamProvider`. */
export function useClient(): JobstreamClient {
  const client = useContext(ClientContext);
  if (!client) throw new Error('useClient: no <JobstreamProvider> above this component');
  return client;
}

/** The shared client for `options` while the component is mounted and `enabled`; else `fallback`. */
export function useSharedClient(
  options: SharedClientOptions | undefined,
  fallback: JobstreamClient | undefined,
  enabled = true,
): JobstreamClient {
  const shared = options ? sharedClient(options) : undefined;
  useEffect(() => (enabled ? shared?.retain() : undefined), [shared, enabled]);
  const client = shared?.client ?? fallback;
  if (!client) throw new Error('no Jobstream URL and no <JobstreamProvider>');
  return client;
}
