/** Every field of the public work job, sorted: what each work event and REST answer must carry. */
export const JOB_KEYS = [
  'created_at',
  'error_message',
  'finished_at',
  'id',
  'kind',
  'max_retries',
  'owner',
  'phase',
  'progress',
  'result',
  'retries',
  'started_at',
  'status',
  'updated_at',
];
