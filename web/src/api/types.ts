// Shapes of the JSON the server sends and takes (see docs/api.md and resources/openapi.json).

export interface Preferences {
  themes: string[];
  matieres: string[];
  /** Weekly study goal in minutes; absent until the student chooses one. */
  objectifHebdo?: number;
}

export interface User {
  _id: string;
  email: string;
  name: string;
  preferences: Preferences;
  timezone: string;
  createdAt: string;
}

export interface AuthAnswer {
  user: User;
  token: string;
  expiresAt: string;
}

export type Periode = 'jour' | 'semaine' | 'mois' | 'semestre';
export type Statut = 'planifie' | 'en_cours' | 'termine' | 'rate';
export type PlanningSource = 'manual' | 'ai' | 'fallback';

export interface Session {
  _id: string;
  matiere: string;
  debut: string;
  fin: string;
  statut: Statut;
  notes?: string;
}

export interface Planning {
  _id: string;
  userId: string;
  titre?: string;
  periode: Periode;
  dateDebut: string;
  source: PlanningSource;
  sessions: Session[];
  createdAt: string;
  updatedAt: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** A session as sent in a manual planning body (POST/PUT /api/planning). */
export interface SessionInput {
  _id?: string;
  matiere: string;
  debut: string;
  fin: string;
  statut?: Statut;
  notes?: string;
}

export interface ManualPlanningBody {
  mode?: 'manual';
  periode: Periode;
  dateDebut: string;
  titre?: string;
  sessions: SessionInput[];
}

export interface Disponibilite {
  jour: number; // 0 = Monday
  debut: string; // HH:MM
  fin: string; // HH:MM, may be 24:00
}

export interface Examen {
  matiere: string;
  date: string;
}

export interface AiPlanningBody {
  mode: 'ai';
  periode: Periode;
  dateDebut: string;
  titre?: string;
  matieres?: string[];
  objectif?: string;
  minutesParJour?: number;
  disponibilites?: Disponibilite[];
  examens?: Examen[];
}

export interface SessionPatch {
  statut?: Statut;
  notes?: string | null;
  matiere?: string;
  debut?: string;
  fin?: string;
}

export interface Progress {
  _id: string;
  userId: string;
  date: string;
  sessionsCompletees: number;
  tempsEtudie: number;
  notes: string;
  matiere?: string;
  planningId?: string;
  sessionId?: string;
  createdAt: string;
}

export interface DayTotal {
  date: string;
  tempsEtudie: number;
  sessionsCompletees: number;
}

export interface SubjectTotal {
  matiere: string;
  tempsEtudie: number;
  sessionsCompletees: number;
}

export interface ProgressSummary {
  tempsEtudie: number;
  sessionsCompletees: number;
  serieActuelle: number;
  meilleureSerie: number;
  parJour: DayTotal[];
  parMatiere: SubjectTotal[];
}

export interface ProgressAnswer {
  entries: Progress[];
  summary: ProgressSummary;
}

export interface ProgressBody {
  planningId?: string;
  sessionId?: string;
  tempsEtudie?: number;
  notes?: string;
  date?: string;
  sessionsCompletees?: number;
  matiere?: string;
}

export type ChatSource = 'gemini' | 'openai' | 'fallback';
export type ProposalType = 'create_planning' | 'update_session' | 'delete_session';
export type ProposalStatus = 'pending' | 'applied' | 'dismissed';

export interface Proposal {
  _id: string;
  type: ProposalType;
  summary: string;
  payload: Record<string, unknown>;
  status: ProposalStatus;
}

export interface ChatReply {
  reply: string;
  source: ChatSource;
  messageId: string;
  proposals: Proposal[];
  createdAt: string;
}

export interface ChatMessage {
  _id: string;
  role: 'user' | 'coach';
  content: string;
  source?: ChatSource;
  /** Coach messages that suggested changes: those proposals, with their current status. */
  proposals?: Proposal[];
  createdAt: string;
}

export interface ChatHistory {
  messages: ChatMessage[];
  nextCursor: string | null;
}

export interface ApplyAnswer {
  proposal: Proposal;
  planning: Planning;
}

/** One occurrence of an event of the imported school timetable (GET/PUT /api/timetable). */
export interface TimetableEvent {
  _id: string;
  titre: string;
  lieu?: string;
  debut: string;
  fin: string;
  journeeEntiere: boolean;
  examen: boolean;
}

export interface TimetableSummary {
  nom?: string;
  importeLe: string;
  nombreEvenements: number;
  premier?: string;
  dernier?: string;
  /** Exams not over yet (at most 50). */
  examens: TimetableEvent[];
}

export interface Timetable {
  import: TimetableSummary | null;
  evenements: TimetableEvent[];
}

export interface ErrorDetail {
  path: string;
  message: string;
}

export interface ErrorBody {
  error: { code: string; message: string; details?: ErrorDetail[] };
}
