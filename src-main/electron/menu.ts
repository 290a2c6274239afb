import type { MenuItemConstructorOptions } from 'electron';

/**
 * The application menu: Electron's standard roles, so shortcuts and platform conventions hold
 * (the View menu includes reload, zoom and the developer tools).
 */
export function menuTemplate(options: { isMac: boolean }): MenuItemConstructorOptions[] {
  return [
    ...(options.isMac ? [{ role: 'appMenu' } as const] : []),
    { role: 'fileMenu' },
    { role: 'editMenu' },
    { role: 'viewMenu' },
    { role: 'windowMenu' },
    { role: 'help', submenu: [{ role: 'about' }] },
  ];
}
