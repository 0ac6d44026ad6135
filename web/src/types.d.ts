// Types for non-TS imports and build-time constants.
declare module '*.css';
declare module '*.json' {
  const value: unknown;
  export default value;
}
interface ImportMetaEnv {
  readonly DEV: boolean;
}
interface ImportMeta {
  readonly env: ImportMetaEnv;
}
