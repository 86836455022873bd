import { StrictMode, type ReactNode } from 'react';
import { createRoot } from 'react-dom/client';
import { Redirect, Route, Switch } from 'wouter';
import { Layout } from './components/layout';
import { Empty, SignInFirst } from './components/status';
import { GraphQLProvider } from './graphql';
import { AgentPage } from './pages/agent';
import { ApiKeysPage } from './pages/api-keys';
import { SignInPage, SignUpPage } from './pages/auth';
import { MarketplacePage } from './pages/marketplace';
import { MyTasksPage } from './pages/my-tasks';
import { PublisherPage } from './pages/publisher';
import { TaskPage } from './pages/task';
import { ToolServerPage, ToolServersPage } from './pages/tools';
import { WalletPage } from './pages/wallet';
import { isPublisher, SessionProvider, useSession } from './session';
import './styles.css';

/** Pages that need a session say so instead of failing with UNAUTHENTICATED. */
function SignedIn({ children, to }: { children: ReactNode; to: string }) {
  const { session } = useSession();
  return session ? <>{children}</> : <SignInFirst to={to} />;
}

function App() {
  const { session } = useSession();
  return (
    <Layout>
      <Switch>
        <Route path="/">
          <MarketplacePage />
        </Route>
        <Route path="/agents/:slug">{(p) => <AgentPage slug={p.slug} />}</Route>
        <Route path="/signin">{session ? <Redirect to="/" /> : <SignInPage />}</Route>
        <Route path="/signup">{session ? <Redirect to="/" /> : <SignUpPage />}</Route>
        <Route path="/tasks">
          <SignedIn to="see your tasks">
            <MyTasksPage />
          </SignedIn>
        </Route>
        <Route path="/tasks/:id">
          {(p) => (
            <SignedIn to="follow this task">
              <TaskPage id={p.id} />
            </SignedIn>
          )}
        </Route>
        <Route path="/wallet">
          <SignedIn to="see your wallet">
            <WalletPage />
          </SignedIn>
        </Route>
        <Route path="/keys">
          <SignedIn to="manage your API keys">
            <ApiKeysPage />
          </SignedIn>
        </Route>
        <Route path="/publish">
          <SignedIn to="publish agents">
            {isPublisher(session) ? (
              <PublisherPage />
            ) : (
              <Empty>Publishing needs a publisher account: sign up as a publisher.</Empty>
            )}
          </SignedIn>
        </Route>
        <Route path="/tools">
          <SignedIn to="see tool servers">
            <ToolServersPage />
          </SignedIn>
        </Route>
        <Route path="/tools/:id">
          {(p) => (
            <SignedIn to="use this tool server">
              <ToolServerPage id={p.id} />
            </SignedIn>
          )}
        </Route>
        <Route>
          <Empty>There is nothing at this address.</Empty>
        </Route>
      </Switch>
    </Layout>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <SessionProvider>
      <GraphQLProvider>
        <App />
      </GraphQLProvider>
    </SessionProvider>
  </StrictMode>,
);
