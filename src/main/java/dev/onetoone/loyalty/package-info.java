/**
 * The loyalty programme: an append-only points ledger fed by pluggable earning rules, returns, hold releases,
 * redemptions, referral bonuses and first-in-first-out expiry; balances, tiers and the programme's daily metrics
 * derived from that ledger. Stages here do no I/O; the pipeline's LoyaltyRunner reads their inputs and writes their
 * outputs. How to configure the programme and add an earning rule: docs/loyalty.md.
 */
package dev.onetoone.loyalty;
