/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  mutation AgentrySignIn($email: String!, $password: String!) {\n    signIn(email: $email, password: $password) {\n      token\n      user {\n        id\n        name\n        email\n        roles\n      }\n    }\n  }\n": typeof types.AgentrySignInDocument,
    "\n  query AgentryMe {\n    me {\n      id\n      name\n      email\n      roles\n      wallet {\n        balance\n        held\n        available\n      }\n    }\n  }\n": typeof types.AgentryMeDocument,
    "\n  query AgentryAgents(\n    $search: String\n    $category: String\n    $tag: String\n    $first: Int\n    $after: String\n  ) {\n    agents(search: $search, category: $category, tag: $tag, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          id\n          slug\n          name\n          description\n          category\n          tags\n          priceCredits\n          available\n          rating {\n            average\n            count\n          }\n        }\n      }\n    }\n  }\n": typeof types.AgentryAgentsDocument,
    "\n  query AgentryAgent($id: ID, $slug: String) {\n    agent(id: $id, slug: $slug) {\n      id\n      slug\n      name\n      description\n      version\n      priceCredits\n      available\n      defaultInputModes\n      defaultOutputModes\n      provider {\n        id\n        name\n      }\n      skills {\n        id\n        name\n        description\n        examples\n      }\n      rating {\n        average\n        count\n      }\n    }\n  }\n": typeof types.AgentryAgentDocument,
    "\n  mutation AgentrySendTask($agentId: ID!, $input: TaskInput!) {\n    sendTask(agentId: $agentId, input: $input) {\n      id\n      state\n    }\n  }\n": typeof types.AgentrySendTaskDocument,
    "\n  mutation AgentryReplyToTask($taskId: ID!, $input: TaskInput!) {\n    replyToTask(taskId: $taskId, input: $input) {\n      id\n      state\n    }\n  }\n": typeof types.AgentryReplyToTaskDocument,
    "\n  mutation AgentryCancelTask($taskId: ID!) {\n    cancelTask(taskId: $taskId) {\n      id\n      state\n    }\n  }\n": typeof types.AgentryCancelTaskDocument,
    "\n  query AgentryTask($id: ID!) {\n    task(id: $id) {\n      id\n      state\n      cost\n      error\n      createdAt\n      completedAt\n      agent {\n        id\n        name\n      }\n      messages {\n        role\n        text\n      }\n      artifacts {\n        artifactId\n        name\n        parts {\n          kind\n          text\n          data\n          file {\n            name\n            mimeType\n            uri\n          }\n        }\n      }\n    }\n  }\n": typeof types.AgentryTaskDocument,
    "\n  query AgentryMyTasks($state: TaskState, $first: Int, $after: String) {\n    myTasks(state: $state, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          id\n          state\n          cost\n          createdAt\n          agent {\n            id\n            name\n          }\n        }\n      }\n    }\n  }\n": typeof types.AgentryMyTasksDocument,
    "\n  fragment AgentryTaskEventFields on TaskEvent {\n    cursor\n    sequence\n    kind\n    state\n    at\n    message {\n      role\n      text\n      parts {\n        kind\n        text\n        data\n      }\n    }\n    artifact {\n      artifactId\n      name\n      parts {\n        kind\n        text\n        data\n        file {\n          name\n          mimeType\n          uri\n        }\n      }\n    }\n  }\n": typeof types.AgentryTaskEventFieldsFragmentDoc,
    "\n  subscription AgentryTaskEvents($taskId: ID!, $after: String) {\n    taskEvents(taskId: $taskId, after: $after) {\n      ...AgentryTaskEventFields\n      task {\n        id\n        state\n        cost\n      }\n    }\n  }\n": typeof types.AgentryTaskEventsDocument,
    "\n  subscription AgentryMyTaskEvents($after: String) {\n    myTaskEvents(after: $after) {\n      ...AgentryTaskEventFields\n      task {\n        id\n        state\n        cost\n        agent {\n          id\n          name\n        }\n      }\n    }\n  }\n": typeof types.AgentryMyTaskEventsDocument,
    "\n  mutation AgentryCreateApiKey($name: String!, $scopes: [String!]!) {\n    createApiKey(name: $name, scopes: $scopes) {\n      secret\n      apiKey {\n        id\n        name\n        prefix\n        scopes\n      }\n    }\n  }\n": typeof types.AgentryCreateApiKeyDocument,
    "\n  mutation AgentryRevokeApiKey($id: ID!) {\n    revokeApiKey(id: $id)\n  }\n": typeof types.AgentryRevokeApiKeyDocument,
};
const documents: Documents = {
    "\n  mutation AgentrySignIn($email: String!, $password: String!) {\n    signIn(email: $email, password: $password) {\n      token\n      user {\n        id\n        name\n        email\n        roles\n      }\n    }\n  }\n": types.AgentrySignInDocument,
    "\n  query AgentryMe {\n    me {\n      id\n      name\n      email\n      roles\n      wallet {\n        balance\n        held\n        available\n      }\n    }\n  }\n": types.AgentryMeDocument,
    "\n  query AgentryAgents(\n    $search: String\n    $category: String\n    $tag: String\n    $first: Int\n    $after: String\n  ) {\n    agents(search: $search, category: $category, tag: $tag, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          id\n          slug\n          name\n          description\n          category\n          tags\n          priceCredits\n          available\n          rating {\n            average\n            count\n          }\n        }\n      }\n    }\n  }\n": types.AgentryAgentsDocument,
    "\n  query AgentryAgent($id: ID, $slug: String) {\n    agent(id: $id, slug: $slug) {\n      id\n      slug\n      name\n      description\n      version\n      priceCredits\n      available\n      defaultInputModes\n      defaultOutputModes\n      provider {\n        id\n        name\n      }\n      skills {\n        id\n        name\n        description\n        examples\n      }\n      rating {\n        average\n        count\n      }\n    }\n  }\n": types.AgentryAgentDocument,
    "\n  mutation AgentrySendTask($agentId: ID!, $input: TaskInput!) {\n    sendTask(agentId: $agentId, input: $input) {\n      id\n      state\n    }\n  }\n": types.AgentrySendTaskDocument,
    "\n  mutation AgentryReplyToTask($taskId: ID!, $input: TaskInput!) {\n    replyToTask(taskId: $taskId, input: $input) {\n      id\n      state\n    }\n  }\n": types.AgentryReplyToTaskDocument,
    "\n  mutation AgentryCancelTask($taskId: ID!) {\n    cancelTask(taskId: $taskId) {\n      id\n      state\n    }\n  }\n": types.AgentryCancelTaskDocument,
    "\n  query AgentryTask($id: ID!) {\n    task(id: $id) {\n      id\n      state\n      cost\n      error\n      createdAt\n      completedAt\n      agent {\n        id\n        name\n      }\n      messages {\n        role\n        text\n      }\n      artifacts {\n        artifactId\n        name\n        parts {\n          kind\n          text\n          data\n          file {\n            name\n            mimeType\n            uri\n          }\n        }\n      }\n    }\n  }\n": types.AgentryTaskDocument,
    "\n  query AgentryMyTasks($state: TaskState, $first: Int, $after: String) {\n    myTasks(state: $state, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          id\n          state\n          cost\n          createdAt\n          agent {\n            id\n            name\n          }\n        }\n      }\n    }\n  }\n": types.AgentryMyTasksDocument,
    "\n  fragment AgentryTaskEventFields on TaskEvent {\n    cursor\n    sequence\n    kind\n    state\n    at\n    message {\n      role\n      text\n      parts {\n        kind\n        text\n        data\n      }\n    }\n    artifact {\n      artifactId\n      name\n      parts {\n        kind\n        text\n        data\n        file {\n          name\n          mimeType\n          uri\n        }\n      }\n    }\n  }\n": types.AgentryTaskEventFieldsFragmentDoc,
    "\n  subscription AgentryTaskEvents($taskId: ID!, $after: String) {\n    taskEvents(taskId: $taskId, after: $after) {\n      ...AgentryTaskEventFields\n      task {\n        id\n        state\n        cost\n      }\n    }\n  }\n": types.AgentryTaskEventsDocument,
    "\n  subscription AgentryMyTaskEvents($after: String) {\n    myTaskEvents(after: $after) {\n      ...AgentryTaskEventFields\n      task {\n        id\n        state\n        cost\n        agent {\n          id\n          name\n        }\n      }\n    }\n  }\n": types.AgentryMyTaskEventsDocument,
    "\n  mutation AgentryCreateApiKey($name: String!, $scopes: [String!]!) {\n    createApiKey(name: $name, scopes: $scopes) {\n      secret\n      apiKey {\n        id\n        name\n        prefix\n        scopes\n      }\n    }\n  }\n": types.AgentryCreateApiKeyDocument,
    "\n  mutation AgentryRevokeApiKey($id: ID!) {\n    revokeApiKey(id: $id)\n  }\n": types.AgentryRevokeApiKeyDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AgentrySignIn($email: String!, $password: String!) {\n    signIn(email: $email, password: $password) {\n      token\n      user {\n        id\n        name\n        email\n        roles\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation AgentrySignIn($email: String!, $password: String!) {\n    signIn(email: $email, password: $password) {\n      token\n      user {\n        id\n        name\n        email\n        roles\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AgentryMe {\n    me {\n      id\n      name\n      email\n      roles\n      wallet {\n        balance\n        held\n        available\n      }\n    }\n  }\n"): (typeof documents)["\n  query AgentryMe {\n    me {\n      id\n      name\n      email\n      roles\n      wallet {\n        balance\n        held\n        available\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AgentryAgents(\n    $search: String\n    $category: String\n    $tag: String\n    $first: Int\n    $after: String\n  ) {\n    agents(search: $search, category: $category, tag: $tag, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          id\n          slug\n          name\n          description\n          category\n          tags\n          priceCredits\n          available\n          rating {\n            average\n            count\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query AgentryAgents(\n    $search: String\n    $category: String\n    $tag: String\n    $first: Int\n    $after: String\n  ) {\n    agents(search: $search, category: $category, tag: $tag, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          id\n          slug\n          name\n          description\n          category\n          tags\n          priceCredits\n          available\n          rating {\n            average\n            count\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AgentryAgent($id: ID, $slug: String) {\n    agent(id: $id, slug: $slug) {\n      id\n      slug\n      name\n      description\n      version\n      priceCredits\n      available\n      defaultInputModes\n      defaultOutputModes\n      provider {\n        id\n        name\n      }\n      skills {\n        id\n        name\n        description\n        examples\n      }\n      rating {\n        average\n        count\n      }\n    }\n  }\n"): (typeof documents)["\n  query AgentryAgent($id: ID, $slug: String) {\n    agent(id: $id, slug: $slug) {\n      id\n      slug\n      name\n      description\n      version\n      priceCredits\n      available\n      defaultInputModes\n      defaultOutputModes\n      provider {\n        id\n        name\n      }\n      skills {\n        id\n        name\n        description\n        examples\n      }\n      rating {\n        average\n        count\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AgentrySendTask($agentId: ID!, $input: TaskInput!) {\n    sendTask(agentId: $agentId, input: $input) {\n      id\n      state\n    }\n  }\n"): (typeof documents)["\n  mutation AgentrySendTask($agentId: ID!, $input: TaskInput!) {\n    sendTask(agentId: $agentId, input: $input) {\n      id\n      state\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AgentryReplyToTask($taskId: ID!, $input: TaskInput!) {\n    replyToTask(taskId: $taskId, input: $input) {\n      id\n      state\n    }\n  }\n"): (typeof documents)["\n  mutation AgentryReplyToTask($taskId: ID!, $input: TaskInput!) {\n    replyToTask(taskId: $taskId, input: $input) {\n      id\n      state\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AgentryCancelTask($taskId: ID!) {\n    cancelTask(taskId: $taskId) {\n      id\n      state\n    }\n  }\n"): (typeof documents)["\n  mutation AgentryCancelTask($taskId: ID!) {\n    cancelTask(taskId: $taskId) {\n      id\n      state\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AgentryTask($id: ID!) {\n    task(id: $id) {\n      id\n      state\n      cost\n      error\n      createdAt\n      completedAt\n      agent {\n        id\n        name\n      }\n      messages {\n        role\n        text\n      }\n      artifacts {\n        artifactId\n        name\n        parts {\n          kind\n          text\n          data\n          file {\n            name\n            mimeType\n            uri\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query AgentryTask($id: ID!) {\n    task(id: $id) {\n      id\n      state\n      cost\n      error\n      createdAt\n      completedAt\n      agent {\n        id\n        name\n      }\n      messages {\n        role\n        text\n      }\n      artifacts {\n        artifactId\n        name\n        parts {\n          kind\n          text\n          data\n          file {\n            name\n            mimeType\n            uri\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AgentryMyTasks($state: TaskState, $first: Int, $after: String) {\n    myTasks(state: $state, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          id\n          state\n          cost\n          createdAt\n          agent {\n            id\n            name\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query AgentryMyTasks($state: TaskState, $first: Int, $after: String) {\n    myTasks(state: $state, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          id\n          state\n          cost\n          createdAt\n          agent {\n            id\n            name\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment AgentryTaskEventFields on TaskEvent {\n    cursor\n    sequence\n    kind\n    state\n    at\n    message {\n      role\n      text\n      parts {\n        kind\n        text\n        data\n      }\n    }\n    artifact {\n      artifactId\n      name\n      parts {\n        kind\n        text\n        data\n        file {\n          name\n          mimeType\n          uri\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  fragment AgentryTaskEventFields on TaskEvent {\n    cursor\n    sequence\n    kind\n    state\n    at\n    message {\n      role\n      text\n      parts {\n        kind\n        text\n        data\n      }\n    }\n    artifact {\n      artifactId\n      name\n      parts {\n        kind\n        text\n        data\n        file {\n          name\n          mimeType\n          uri\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription AgentryTaskEvents($taskId: ID!, $after: String) {\n    taskEvents(taskId: $taskId, after: $after) {\n      ...AgentryTaskEventFields\n      task {\n        id\n        state\n        cost\n      }\n    }\n  }\n"): (typeof documents)["\n  subscription AgentryTaskEvents($taskId: ID!, $after: String) {\n    taskEvents(taskId: $taskId, after: $after) {\n      ...AgentryTaskEventFields\n      task {\n        id\n        state\n        cost\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription AgentryMyTaskEvents($after: String) {\n    myTaskEvents(after: $after) {\n      ...AgentryTaskEventFields\n      task {\n        id\n        state\n        cost\n        agent {\n          id\n          name\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  subscription AgentryMyTaskEvents($after: String) {\n    myTaskEvents(after: $after) {\n      ...AgentryTaskEventFields\n      task {\n        id\n        state\n        cost\n        agent {\n          id\n          name\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AgentryCreateApiKey($name: String!, $scopes: [String!]!) {\n    createApiKey(name: $name, scopes: $scopes) {\n      secret\n      apiKey {\n        id\n        name\n        prefix\n        scopes\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation AgentryCreateApiKey($name: String!, $scopes: [String!]!) {\n    createApiKey(name: $name, scopes: $scopes) {\n      secret\n      apiKey {\n        id\n        name\n        prefix\n        scopes\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AgentryRevokeApiKey($id: ID!) {\n    revokeApiKey(id: $id)\n  }\n"): (typeof documents)["\n  mutation AgentryRevokeApiKey($id: ID!) {\n    revokeApiKey(id: $id)\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;