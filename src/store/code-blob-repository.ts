/**
 * Function code archives by content hash: how every node of a cluster gets the code of any
 * version, whichever node deployed it. The archive format is the code store's (a gzipped tar of
 * the code folder); the store only keeps bytes.
 */
export interface CodeBlobRepository {
  /** Stores `archive` under `hash` unless a blob with that hash exists (blobs never change). */
  put(hash: string, archive: Buffer, now: number): Promise<void>;
  /** The archive stored under `hash`, or undefined. */
  get(hash: string): Promise<Buffer | undefined>;
  /** Whether a blob with that hash is stored (without reading it). */
  has(hash: string): Promise<boolean>;
}
