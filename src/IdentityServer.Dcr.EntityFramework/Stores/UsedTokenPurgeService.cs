// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.EntityFramework.Logging;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace IdentityServer.Dcr.EntityFramework.Stores;

/// <summary>When <see cref="UsedTokenPurgeService"/> runs: <see cref="DcrEntityFrameworkOptions.PurgeInterval"/>, or never.</summary>
/// <param name="Interval">The interval; <see langword="null"/> for no background purge.</param>
/// <param name="AuditRetention">
/// How long audit entries are kept (<see cref="DcrEntityFrameworkOptions.AuditRetention"/>); <see langword="null"/>:
/// forever.
/// </param>
internal sealed record UsedTokenPurgeSchedule(TimeSpan? Interval, TimeSpan? AuditRetention = null);

/// <summary>
/// Deletes expired rows of <c>DcrUsedRequestTokens</c> every <see cref="DcrEntityFrameworkOptions.PurgeInterval"/>,
/// through <see cref="EntityFrameworkClientRegistrationStore.PurgeExpiredRequestTokensAsync"/>. A failure (a database
/// outage, tables not migrated yet) is logged and retried at the next tick: a housekeeping job never stops the host.
/// </summary>
internal sealed class UsedTokenPurgeService(
    EntityFrameworkClientRegistrationStore store,
    EntityFrameworkDcrAuditStore audit,
    UsedTokenPurgeSchedule schedule,
    TimeProvider time,
    ILogger<UsedTokenPurgeService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (schedule.Interval is not { } interval)
        {
            return;
        }

        using var timer = new PeriodicTimer(interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    await store.PurgeExpiredRequestTokensAsync(time.GetUtcNow(), stoppingToken).ConfigureAwait(false);
                    if (schedule.AuditRetention is { } retention)
                    {
                        await audit.PurgeAsync(time.GetUtcNow() - retention, stoppingToken).ConfigureAwait(false);
                    }
                }
                catch (DcrStoreUnavailableException)
                {
                    // Logged by the store (StoreUnavailable); the next tick tries again.
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    logger.PurgeFailed(interval, exception);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The host is stopping.
        }
    }
}
