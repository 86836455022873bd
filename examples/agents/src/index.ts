export * from './agent';
export * from './registry';
export * from './server';
export { EchoExecutor, echoAgent, type EchoOptions } from './echo.agent';
export { WorkerExecutor, workerAgent, type WorkerOptions } from './worker.agent';
export { InterviewerExecutor, interviewerAgent, INTERVIEWER_QUESTION } from './interviewer.agent';
export {
  FailingExecutor,
  failingAgent,
  FAILING_REASON,
  type FailingOptions,
} from './failing.agent';
export { SlowpokeExecutor, slowpokeAgent, type SlowpokeOptions } from './slowpoke.agent';
export { RecapExecutor, recapAgent, RECAP_QUESTION, type RecapOptions } from './recap.agent';
export { BrokenExecutor, brokenAgent, BROKEN_ERROR, type BrokenOptions } from './broken.agent';
