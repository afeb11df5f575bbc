/**
 * Typed, container-agnostic service identifiers. A ref is a global symbol branded with the type it resolves to,
 * so plugins can declare what they need without importing the DI container (only the host app does).
 */
declare const serviceType: unique symbol;

export type ServiceRef<T> = symbol & { readonly [serviceType]?: T };

export const serviceRef = <T>(id: `${string}.${string}`): ServiceRef<T> =>
  Symbol.for(`syslog-connector:${id}`) as ServiceRef<T>;

export type DepRefs = Readonly<Record<string, ServiceRef<unknown>>>;

/** The instances a plugin receives for the refs it declared. */
export type ResolvedDeps<D extends DepRefs> = {
  readonly [K in keyof D]: D[K] extends ServiceRef<infer T> ? T : never;
};
