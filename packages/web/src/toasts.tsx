// Short messages in a corner (a job completed, a card moved, a refused move), gone after a few seconds.
import { createContext, useCallback, useContext, useRef, useState, type ReactNode } from 'react';

export type ToastKind = 'info' | 'good' | 'bad';
interface Toast {
  readonly id: number;
  readonly text: string;
  readonly kind: ToastKind;
}

const ToastContext = createContext<(text: string, kind?: ToastKind) => void>(() => undefined);

/** Shows `text` for 6 s (at most 4 at once, the newest last). */
export const useToast = () => useContext(ToastContext);

export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<readonly Toast[]>([]);
  const next = useRef(0);
  const toast = useCallback((text: string, kind: ToastKind = 'info') => {
    const id = ++next.current;
    setToasts((list) => [...list, { id, text, kind }].slice(-4));
    setTimeout(() => setToasts((list) => list.filter((t) => t.id !== id)), 6000);
  }, []);
  return (
    <ToastContext.Provider value={toast}>
      {children}
      <div className="toasts" role="status" aria-live="polite" data-testid="toasts">
        {toasts.map((t) => (
          <p key={t.id} className={`toast ${t.kind}`}>
            {t.text}
          </p>
        ))}
      </div>
    </ToastContext.Provider>
  );
}
