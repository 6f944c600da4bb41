// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

namespace IdentityServer.Dcr.EntityFramework;

/// <summary>Settings of the EF Core registration store.</summary>
public sealed class DcrEntityFrameworkOptions
{
    /// <summary>
    /// The PostgreSQL schema of the <c>Dcr*</c> tables and of their migrations history table. Default:
    /// <see langword="null"/>, the connection's default schema (normally <c>public</c>). Set it to keep the DCR
    /// tables apart from the rest of a shared database; migrations create the schema when it is missing.
    /// Ignored by SQLite, which has no schemas.
    /// </summary>
    public string? Schema { get; set; }

    /// <summary>
    /// How long one database command may run. Default: <see langword="null"/>, the provider's default (30 s).
    /// Lower it so that a stalled database turns into a quick 503 rather than a hung registration request.
    /// </summary>
    public TimeSpan? CommandTimeout { get; set; }

    /// <summary>
    /// How often the host deletes expired rows of <c>DcrUsedRequestTokens</c> (registration request tokens and, with
    /// the OpenIddict plug-in, one row per client assertion presented at the token endpoint). Default: 10 minutes.
    /// <see langword="null"/> switches the background purge off, for banks that run
    /// <see cref="Stores.EntityFrameworkClientRegistrationStore.PurgeExpiredRequestTokensAsync"/> from their own scheduler.
    /// Each instance purges; the delete is idempotent.
    /// </summary>
    public TimeSpan? PurgeInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How long the audit trail (<c>DcrAuditRecords</c>) keeps an entry: older entries are deleted by the background
    /// purge (every <see cref="PurgeInterval"/>). Default 2 years (730 days); <see langword="null"/> keeps them forever.
    /// </summary>
    public TimeSpan? AuditRetention { get; set; } = TimeSpan.FromDays(730);
}
