// The web app manifest (written to dist/manifest.webmanifest by build.mjs).
export const manifest = {
  name: 'PlanÉtude',
  short_name: 'PlanÉtude',
  description: 'Ton planning de révisions, avec PixelCoach.',
  lang: 'fr',
  start_url: '/planning',
  scope: '/',
  display: 'standalone',
  background_color: '#1a1c2c',
  theme_color: '#29366f',
  icons: [
    { src: '/icon.svg', sizes: 'any', type: 'image/svg+xml' },
    { src: '/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
    { src: '/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any maskable' },
  ],
};
