import { graphql } from './gql';

/**
 * The operations @agentry/client ships typed. `npm run codegen` reads the `graphql()` calls in
 * this file and writes their result and variable types to `./gql` (committed, checked for
 * staleness). Import a document to run it with `AgentryClient.request`.
 */

export const SignInDocument = graphql(`
  mutation AgentrySignIn($email: String!, $password: String!) {
    signIn(email: $email, password: $password) {
      token
      user {
        id
        name
        email
        roles
      }
    }
  }
`);

export const MeDocument = graphql(`
  query AgentryMe {
    me {
      id
      name
      email
      roles
      wallet {
        balance
        held
        available
      }
    }
  }
`);

export const AgentsDocument = graphql(`
  query AgentryAgents(
    $search: String
    $category: String
    $tag: String
    $first: Int
    $after: String
  ) {
    agents(search: $search, category: $category, tag: $tag, first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          id
          slug
          name
          description
          category
          tags
          priceCredits
          available
          rating {
            average
            count
          }
        }
      }
    }
  }
`);

export const AgentDocument = graphql(`
  query AgentryAgent($id: ID, $slug: String) {
    agent(id: $id, slug: $slug) {
      id
      slug
      name
      description
      version
      priceCredits
      available
      defaultInputModes
      defaultOutputModes
      provider {
        id
        name
      }
      skills {
        id
        name
        description
        examples
      }
      rating {
        average
        count
      }
    }
  }
`);

export const SendTaskDocument = graphql(`
  mutation AgentrySendTask($agentId: ID!, $input: TaskInput!) {
    sendTask(agentId: $agentId, input: $input) {
      id
      state
    }
  }
`);

export const ReplyToTaskDocument = graphql(`
  mutation AgentryReplyToTask($taskId: ID!, $input: TaskInput!) {
    replyToTask(taskId: $taskId, input: $input) {
      id
      state
    }
  }
`);

export const CancelTaskDocument = graphql(`
  mutation AgentryCancelTask($taskId: ID!) {
    cancelTask(taskId: $taskId) {
      id
      state
    }
  }
`);

export const TaskDocument = graphql(`
  query AgentryTask($id: ID!) {
    task(id: $id) {
      id
      state
      cost
      error
      createdAt
      completedAt
      agent {
        id
        name
      }
      messages {
        role
        text
      }
      artifacts {
        artifactId
        name
        parts {
          kind
          text
          data
          file {
            name
            mimeType
            uri
          }
        }
      }
    }
  }
`);

export const MyTasksDocument = graphql(`
  query AgentryMyTasks($state: TaskState, $first: Int, $after: String) {
    myTasks(state: $state, first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          id
          state
          cost
          createdAt
          agent {
            id
            name
          }
        }
      }
    }
  }
`);

export const TaskEventFieldsFragment = graphql(`
  fragment AgentryTaskEventFields on TaskEvent {
    cursor
    sequence
    kind
    state
    at
    message {
      role
      text
      parts {
        kind
        text
        data
      }
    }
    artifact {
      artifactId
      name
      parts {
        kind
        text
        data
        file {
          name
          mimeType
          uri
        }
      }
    }
  }
`);

export const TaskEventsDocument = graphql(`
  subscription AgentryTaskEvents($taskId: ID!, $after: String) {
    taskEvents(taskId: $taskId, after: $after) {
      ...AgentryTaskEventFields
      task {
        id
        state
        cost
      }
    }
  }
`);

export const MyTaskEventsDocument = graphql(`
  subscription AgentryMyTaskEvents($after: String) {
    myTaskEvents(after: $after) {
      ...AgentryTaskEventFields
      task {
        id
        state
        cost
        agent {
          id
          name
        }
      }
    }
  }
`);

export const CreateApiKeyDocument = graphql(`
  mutation AgentryCreateApiKey($name: String!, $scopes: [String!]!) {
    createApiKey(name: $name, scopes: $scopes) {
      secret
      apiKey {
        id
        name
        prefix
        scopes
      }
    }
  }
`);

export const RevokeApiKeyDocument = graphql(`
  mutation AgentryRevokeApiKey($id: ID!) {
    revokeApiKey(id: $id)
  }
`);
