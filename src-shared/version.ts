/** Transferlab's version (package.json's), for `--version`, `app.info` and exported files. */
export const APP_VERSION = '0.1.0';
