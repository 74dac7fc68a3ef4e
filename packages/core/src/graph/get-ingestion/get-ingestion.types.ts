export interface GetIngestionInput {
  readonly ingestionId: string;
}
