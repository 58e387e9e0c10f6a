import { useState } from 'react';
import { ApiError } from '../api.ts';
import { useAuth } from '../auth.tsx';
import { ErrorBanner, Field } from '../components.tsx';
import { useTitle } from '../hooks.ts';

export function LoginPage() {
  useTitle('Connexion');
  const { login } = useAuth();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const fields = error instanceof ApiError ? error.fields : {};
  return (
    <main id="main" className="login">
      <h1>Symbiose</h1>
      <p className="muted">Écologie industrielle et territoriale</p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setBusy(true);
          setError(null);
          login(email, password)
            .catch((err: unknown) => setError(err))
            .finally(() => setBusy(false));
        }}
      >
        <h2>Connexion</h2>
        <ErrorBanner error={error} />
        <Field
          label="Adresse électronique"
          type="email"
          autoComplete="username"
          required
          value={email}
          error={fields.email}
          onChange={(e) => setEmail(e.target.value)}
        />
        <Field
          label="Mot de passe"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          error={fields.password}
          onChange={(e) => setPassword(e.target.value)}
        />
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Connexion…' : 'Se connecter'}
        </button>
      </form>
    </main>
  );
}
