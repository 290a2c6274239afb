/**
 * A Svelte action for a `<details>` used as a menu (column chooser, saved views, multi-selects):
 * Esc inside it closes it and gives focus back to its summary, and a press outside closes it,
 * as a native menu would. Window listeners, so a press anywhere on the page counts.
 */
export function dismissable(details: HTMLDetailsElement): { destroy(): void } {
  function onKeyDown(event: KeyboardEvent): void {
    if (event.key !== 'Escape' || !details.open) return;
    if (!(document.activeElement instanceof Node) || !details.contains(document.activeElement))
      return;
    details.open = false;
    details.querySelector('summary')?.focus();
  }

  function onPointerDown(event: PointerEvent): void {
    if (details.open && event.target instanceof Node && !details.contains(event.target)) {
      details.open = false;
    }
  }

  window.addEventListener('keydown', onKeyDown);
  window.addEventListener('pointerdown', onPointerDown);
  return {
    destroy() {
      window.removeEventListener('keydown', onKeyDown);
      window.removeEventListener('pointerdown', onPointerDown);
    },
  };
}
