type Warm = 'red' | 'amber';
type Cool = 'blue';
/** A union of aliases of literal unions: every key is required. */
export type Colour = Warm | Cool;

/** A recursive interface, named again by an exported alias that it refers to. */
export interface Chain {
  next?: ChainLink;
  label: string;
}
export type ChainLink = Chain;

/** An empty interface, documented. */
export interface Nothing {}
export type Only = 'only';

export interface Defects {
  perColour: Record<Warm | Cool, number>;
  perAlias: Record<Colour, boolean>;
  chain: Chain;
  link: ChainLink;
  object: string;
  dict: number;
  nothing: Nothing;
  only: Only;
}
