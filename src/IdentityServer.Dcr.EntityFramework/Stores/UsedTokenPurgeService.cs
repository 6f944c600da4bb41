// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using Microsoft.Extensions.Hosting;

namespace IdentityServer.Dcr.EntityFramework.Stores;

/// <summary>When <see cref="UsedTokenPurgeService"/> runs: <see cref="DcrEntityFrameworkOptions.PurgeInterval"/>, or never.</summary>
/// <param name="Interval">The interval; <see langword="null"/> for no background purge.</param>
internal sealed record UsedTokenPurgeSchedule(TimeSpan? Interval);

/// <summary>
/// Deletes expired rows of <c>DcrUsedRequestTokens</c> every <see cref="DcrEntityFrameworkOptions.PurgeInterval"/>,
/// through <see cref="EntityFrameworkClientRegistrationStore.PurgeExpiredRequestTokensAsync"/>. A database outage
/// is logged by the store and retried at the next tick; the host is never stopped by it.
/// </summary>
internal sealed class UsedTokenPurgeService(EntityFrameworkClientRegistrationStore store, UsedTokenPurgeSchedule schedule, TimeProvider time) : BackgroundService
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
                }
                catch (DcrStoreUnavailableException)
                {
                    // Logged by the store (StoreUnavailable); the next tick tries again.
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The host is stopping.
        }
    }
}
