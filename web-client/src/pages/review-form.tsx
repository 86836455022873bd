import { useState } from 'react';
import { useMutation } from 'urql';
import { graphql } from '../gql';
import { ErrorNotice } from '../components/status';

const ReviewMutation = graphql(`
  mutation ReviewAgent($agentId: ID!, $rating: Int!, $title: String!, $body: String!) {
    reviewAgent(agentId: $agentId, rating: $rating, title: $title, body: $body) {
      id
      rating
      title
      agent {
        id
        rating {
          average
          count
        }
      }
    }
  }
`);

/** Rate an agent after a completed task (reviewing again replaces your review). */
export function ReviewForm({ agentId, agentName }: { agentId: string; agentName: string }) {
  const [rating, setRating] = useState(5);
  const [title, setTitle] = useState('');
  const [body, setBody] = useState('');
  const [{ data, fetching, error }, review] = useMutation(ReviewMutation);
  if (data)
    return (
      <p className="notice ok" role="status">
        Thanks: your review of {agentName} is published.
      </p>
    );
  return (
    <form
      className="review-form"
      aria-label={`Review ${agentName}`}
      onSubmit={(e) => {
        e.preventDefault();
        void review({ agentId, rating, title, body });
      }}
    >
      <h2>Review {agentName}</h2>
      <label>
        Rating
        <select value={rating} onChange={(e) => setRating(Number(e.target.value))}>
          {[5, 4, 3, 2, 1].map((n) => (
            <option key={n} value={n}>
              {n} star{n === 1 ? '' : 's'}
            </option>
          ))}
        </select>
      </label>
      <label>
        Title
        <input value={title} onChange={(e) => setTitle(e.target.value)} maxLength={120} required />
      </label>
      <label>
        Review
        <textarea
          value={body}
          onChange={(e) => setBody(e.target.value)}
          rows={3}
          maxLength={5000}
        />
      </label>
      <ErrorNotice error={error} />
      <button type="submit" disabled={fetching}>
        Submit review
      </button>
    </form>
  );
}
