// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace IdentityServer.Dcr.EntityFramework.Health;

/// <summary>
/// Readiness of the DCR store: the database answers, and every migration of the DCR tables is applied (a host started
/// against an older schema is not ready, whatever the connection says).
/// </summary>
public sealed class DcrStoreHealthCheck : IHealthCheck
{
    private readonly IDbContextFactory<DcrDbContext> _contexts;

    /// <summary>Creates the check.</summary>
    /// <param name="contexts">The store's context factory.</param>
    public DcrStoreHealthCheck(IDbContextFactory<DcrDbContext> contexts) => _contexts = contexts;

    /// <inheritdoc />
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            var db = await _contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
            await using (db.ConfigureAwait(false))
            {
                if (!await db.Database.CanConnectAsync(cancellationToken).ConfigureAwait(false))
                {
                    return new HealthCheckResult(context.Registration.FailureStatus, "The DCR database cannot be reached.");
                }

                var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken).ConfigureAwait(false)).ToList();
                return pending.Count == 0
                    ? HealthCheckResult.Healthy("The DCR database is reachable and migrated.")
                    : new HealthCheckResult(
                        context.Registration.FailureStatus,
                        $"{pending.Count} DCR migration(s) not applied, the last {pending[^1]}.");
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "The DCR database cannot be reached.", exception);
        }
    }
}
