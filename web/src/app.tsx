import { NavLink, Navigate, Route, Routes } from 'react-router';
import { useAuth } from './auth.tsx';
import { Loading } from './components.tsx';
import { CompaniesPage } from './pages/companies.tsx';
import { CompanyDetailPage } from './pages/company-detail.tsx';
import { CompanyFormPage } from './pages/company-form.tsx';
import { DashboardPage } from './pages/dashboard.tsx';
import { DiagnosticPage } from './pages/diagnostic.tsx';
import { FollowUpPage } from './pages/follow-up.tsx';
import { LoginPage } from './pages/login.tsx';
import { MatchingPage } from './pages/matching.tsx';
import { PortalDiagnosticPage, PortalHomePage } from './pages/portal.tsx';
import { SynergyPage } from './pages/synergy.tsx';
import { WorkingGroupPage, WorkingGroupsPage } from './pages/working-groups.tsx';

export function App() {
  const { me, restoring } = useAuth();
  if (restoring) return <Loading what="Ouverture de la session" />;
  if (!me) return <LoginPage />;
  return me.role === 'company' ? <CompanyApp /> : <OfficerApp />;
}

function Shell({ nav, children }: { nav: React.ReactNode; children: React.ReactNode }) {
  const { me, logout, territories, territory, setTerritoryId } = useAuth();
  return (
    <>
      <a className="skip" href="#main">
        Aller au contenu
      </a>
      <header className="topbar">
        <span className="brand">Symbiose</span>
        <nav aria-label="Navigation principale">
          <ul>{nav}</ul>
        </nav>
        <div className="who">
          {me?.role !== 'company' && territories.length > 1 && (
            <label>
              <span className="sr-only">Territoire</span>
              <select value={territory?.id ?? ''} onChange={(e) => setTerritoryId(e.target.value)}>
                {territories.map((t) => (
                  <option key={t.id} value={t.id}>
                    {t.name}
                  </option>
                ))}
              </select>
            </label>
          )}
          <span>{me?.displayName}</span>
          <button type="button" className="link" onClick={() => void logout()}>
            Se déconnecter
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}

const Item = ({ to, children, end }: { to: string; children: string; end?: boolean }) => (
  <li>
    <NavLink to={to} end={end}>
      {children}
    </NavLink>
  </li>
);

function OfficerApp() {
  const { territory } = useAuth();
  const nav = (
    <>
      <Item to="/" end>
        Tableau de bord
      </Item>
      <Item to="/entreprises">Entreprises</Item>
      <Item to="/synergies">Synergies</Item>
      <Item to="/groupes">Groupes de travail</Item>
      <Item to="/suivi">Suivi</Item>
    </>
  );
  if (!territory) {
    return (
      <Shell nav={nav}>
        <p>Aucun territoire ne vous est rattaché : demandez à un administrateur.</p>
      </Shell>
    );
  }
  return (
    <Shell nav={nav}>
      <Routes>
        <Route path="/" element={<DashboardPage key={territory.id} />} />
        <Route path="/entreprises" element={<CompaniesPage key={territory.id} />} />
        <Route path="/entreprises/nouvelle" element={<CompanyFormPage />} />
        <Route path="/entreprises/:id" element={<CompanyDetailPage />} />
        <Route path="/entreprises/:id/modifier" element={<CompanyFormPage />} />
        <Route path="/entreprises/:id/diagnostic" element={<DiagnosticPage />} />
        <Route path="/diagnostics/:diagnosticId" element={<DiagnosticPage />} />
        <Route path="/synergies" element={<MatchingPage key={territory.id} />} />
        <Route path="/synergies/:id" element={<SynergyPage />} />
        <Route path="/groupes" element={<WorkingGroupsPage key={territory.id} />} />
        <Route path="/groupes/:id" element={<WorkingGroupPage />} />
        <Route path="/suivi" element={<FollowUpPage key={territory.id} />} />
        <Route path="*" element={<Navigate to="/" replace />} />
      </Routes>
    </Shell>
  );
}

function CompanyApp() {
  const nav = (
    <>
      <Item to="/" end>
        Mes propositions
      </Item>
      <Item to="/mon-diagnostic">Mon diagnostic</Item>
    </>
  );
  return (
    <Shell nav={nav}>
      <Routes>
        <Route path="/" element={<PortalHomePage />} />
        <Route path="/mon-diagnostic" element={<PortalDiagnosticPage />} />
        <Route path="*" element={<Navigate to="/" replace />} />
      </Routes>
    </Shell>
  );
}
