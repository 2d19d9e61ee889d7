import { useCallback, useSyncExternalStore } from 'react';
import type { ConnectionState, JobstreamClient, StateReason } from '../types.js';
import type { TransportName } from '../transports/transport.js';
import { useClient } from './provider.js';

export interface ConnectionSnapshot {
  readonly state: ConnectionState;
  /** Why it is in this state (undefined before the first change was seen). */
  readonly reason: StateReason | undefined;
  readonly transport: TransportName | undefined;
}

const snapshots = new WeakMap<JobstreamClient, ConnectionSnapshot>();

/** The latest state of a client, kept from the first time it is asked for. */
export function snapshotOf(client: JobstreamClient): ConnectionSnapshot {
  let snapshot = snapshots.get(client);
  if (!snapshot) {
    snapshot = { state: client.state, reason: undefined, transport: client.transport };
    snapshots.set(client, snapshot);
    client.on('state', (change) => {
      snapshots.set(client, { state: change.newState, reason: change.reason, transport: client.transport });
    });
  }
  return snapshot;
}

/** The connection's state, its reason and transport; re-renders when it changes. */
export function useConnectionState(client: JobstreamClient = useClient()): ConnectionSnapshot {
  const subscribe = useCallback((onChange: () => void) => client.on('state', onChange), [client]);
  const get = () => snapshotOf(client);
  return useSyncExternalStore(subscribe, get, get);
}
