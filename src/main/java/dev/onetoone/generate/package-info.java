/**
 * Synthetic retail data with known ground truth: {@link dev.onetoone.generate.SyntheticDataGenerator}
 * writes customers, products and basket-line transactions whose purchase timing and dropout follow
 * BG/NBD (Fader, Hardie &amp; Lee 2005), its MBG/NBD variant or Pareto/NBD (Schmittlein, Morrison &amp;
 * Colombo 1987) and whose basket values follow Gamma-Gamma (Fader, Hardie &amp; Lee 2005; Colombo &amp;
 * Jiang 1999), together with each customer's latent parameters and a manifest, so that the
 * behavioural models of OneToOne can be tested on whether they recover what generated the data; the
 * package is plain Java, deterministic for a given seed, and streams its output so that millions of
 * customers fit in a small heap. Optional hidden structure ({@link dev.onetoone.generate.HiddenStructure}:
 * latent taste factors, wholesale buyers, seasonal products) gives recommenders something true to recover,
 * recorded in the manifest. The simulated responses of the same customers to offers live in
 * {@link dev.onetoone.simulation}.
 */
package dev.onetoone.generate;
