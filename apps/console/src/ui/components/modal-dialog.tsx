import type { ComponentChildren } from 'preact';
import { useEffect, useId, useRef } from 'preact/hooks';

interface ModalDialogProps {
  readonly title: string;
  readonly onClose: () => void;
  readonly children: ComponentChildren;
}

/**
 * A modal `<dialog>` (showModal: the page behind is inert, so Tab stays inside it; Escape closes it). Focus goes to
 * its first field on opening and back to the control that opened it on closing.
 */
export const ModalDialog = ({ title, onClose, children }: ModalDialogProps) => {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const onCloseRef = useRef(onClose);
  onCloseRef.current = onClose;
  useEffect(() => {
    const dialog = ref.current;
    if (dialog === null) return undefined;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    dialog.showModal();
    dialog.querySelector<HTMLElement>('input, select, textarea, button')?.focus();
    return () => {
      if (dialog.open) dialog.close();
      // The opener may have been re-rendered away (a server row replaced): then the list's heading takes focus.
      if (opener?.isConnected === true) opener.focus();
      else document.querySelector<HTMLElement>('[data-focus-after-dialog]')?.focus();
    };
  }, []);
  return (
    <dialog
      ref={ref}
      class="dialog"
      aria-labelledby={titleId}
      onCancel={(event) => {
        // Escape: the page decides (it unmounts the dialog, which returns focus), not the browser.
        event.preventDefault();
        onCloseRef.current();
      }}
    >
      <h2 id={titleId}>{title}</h2>
      {children}
    </dialog>
  );
};
