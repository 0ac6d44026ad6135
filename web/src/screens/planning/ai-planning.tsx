// Placeholder: this screen is being built.
export default function Screen() {
  return (
    <section class="screen">
      <h1>Planifier avec PixelCoach</h1>
      <p>Bientôt disponible.</p>
    </section>
  );
}
