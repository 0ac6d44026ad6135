// Placeholder: this screen is being built.
export default function Screen() {
  return (
    <section class="screen">
      <h1>Nouveau planning</h1>
      <p>Bientôt disponible.</p>
    </section>
  );
}
