import { registerEnumType } from 'type-graphql';

export enum TaskEventKind {
  STATUS = 'STATUS',
  MESSAGE = 'MESSAGE',
  ARTIFACT = 'ARTIFACT',
}
registerEnumType(TaskEventKind, {
  name: 'TaskEventKind',
  description:
    'STATUS: the state changed (or was re-announced); MESSAGE: a message was added; ARTIFACT: an artifact was created or extended.',
});
