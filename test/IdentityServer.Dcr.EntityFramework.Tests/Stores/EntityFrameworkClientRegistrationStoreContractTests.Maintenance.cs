// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Diagnostics;
using IdentityServer.Dcr.EntityFramework.Stores;
using IdentityServer.Dcr.Stores;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace IdentityServer.Dcr.EntityFramework.Tests.Stores;

public abstract partial class EntityFrameworkClientRegistrationStoreContractTests
{
    [Test]
    public async Task DeleteAsync_Existing_RemovesItAndKeepsItsToken()
    {
        // Arrange
        var token = TestRegistrations.Token();
        var registration = TestRegistrations.Create();
        await Store.CreateAsync(registration, token, requireUniqueSoftware: false, CancellationToken.None);

        // Act
        var deleted = await Store.DeleteAsync(registration.ClientId, CancellationToken.None);
        var deletedAgain = await Store.DeleteAsync(registration.ClientId, CancellationToken.None);

        // Assert
        Assert.Multiple(async () =>
        {
            Assert.That(deleted, Is.True);
            Assert.That(deletedAgain, Is.False);
            Assert.That(await Store.FindByClientIdAsync(registration.ClientId, CancellationToken.None), Is.Null);
            Assert.That(await Store.ExistsForSoftwareAsync(registration.SoftwareId, CancellationToken.None), Is.False);
            Assert.That(await Store.IsRequestTokenUsedAsync(token.Issuer, token.Jti, CancellationToken.None), Is.True);
        });
    }

    [Test]
    public async Task ExistsForSoftwareAndIsRequestTokenUsed_ReflectWhatWasStored()
    {
        // Arrange
        var token = TestRegistrations.Token(jti: "jti-1", issuer: "iss-1");
        await Store.CreateAsync(TestRegistrations.Create(softwareId: "stored"), token, requireUniqueSoftware: false, CancellationToken.None);

        // Assert
        Assert.Multiple(async () =>
        {
            Assert.That(await Store.ExistsForSoftwareAsync("stored", CancellationToken.None), Is.True);
            Assert.That(await Store.ExistsForSoftwareAsync("other", CancellationToken.None), Is.False);
            Assert.That(await Store.IsRequestTokenUsedAsync("iss-1", "jti-1", CancellationToken.None), Is.True);
            Assert.That(await Store.IsRequestTokenUsedAsync("iss-2", "jti-1", CancellationToken.None), Is.False);
            Assert.That(await Store.IsRequestTokenUsedAsync("iss-1", "jti-2", CancellationToken.None), Is.False);
        });
    }

    [Test]
    public async Task TryRecordUsedTokenAsync_SecondTime_ReturnsFalseAndKeepsOneRow()
    {
        // Arrange
        var store = Store;
        var token = TestRegistrations.Token(jti: "assertion-1", issuer: "client_assertion:client-1");

        // Act
        var first = await store.TryRecordUsedTokenAsync(token, CancellationToken.None);
        var second = await store.TryRecordUsedTokenAsync(token, CancellationToken.None);
        var otherIssuer = await store.TryRecordUsedTokenAsync(token with { Issuer = "client_assertion:client-2" }, CancellationToken.None);

        // Assert
        Assert.Multiple(async () =>
        {
            Assert.That(first, Is.True);
            Assert.That(second, Is.False);
            Assert.That(otherIssuer, Is.True);
            Assert.That(await Store.IsRequestTokenUsedAsync(token.Issuer, token.Jti, CancellationToken.None), Is.True);
        });
        Assert.That(await CountRowsAsync(), Is.EqualTo((0, 2)));
    }

    [Test]
    public async Task TryRecordUsedTokenAsync_StoresExpiryForThePurge()
    {
        // Arrange: the expiry goes through the provider's mapping (timestamptz, or SQLite's Unix microseconds).
        var store = Store;
        var now = new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.FromHours(2));
        var expired = TestRegistrations.Token(expiresAt: now.AddSeconds(-1));
        var live = TestRegistrations.Token(expiresAt: now.AddSeconds(1));
        await store.TryRecordUsedTokenAsync(expired, CancellationToken.None);
        await store.TryRecordUsedTokenAsync(live, CancellationToken.None);

        // Act
        var purged = await store.PurgeExpiredRequestTokensAsync(now, CancellationToken.None);

        // Assert
        Assert.That(purged, Is.EqualTo(1));
        Assert.That(await Store.IsRequestTokenUsedAsync(live.Issuer, live.Jti, CancellationToken.None), Is.True);
        Assert.That(await Store.IsRequestTokenUsedAsync(expired.Issuer, expired.Jti, CancellationToken.None), Is.False);
    }

    [Test]
    public async Task TryRecordUsedTokenAsync_ConcurrentSameToken_ExactlyOneRecords()
    {
        // Arrange
        var store = Store;
        var token = TestRegistrations.Token();

        // Act
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => store.TryRecordUsedTokenAsync(token, CancellationToken.None))));

        // Assert
        Assert.That(results.Count(r => r), Is.EqualTo(1));
    }

    [Test]
    public async Task PurgeService_OnEachTick_DeletesTheExpiredTokens()
    {
        // Arrange
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero));
        var expiring = TestRegistrations.Token(expiresAt: time.GetUtcNow().AddMinutes(5));
        var live = TestRegistrations.Token(expiresAt: time.GetUtcNow().AddDays(1));
        await Store.TryRecordUsedTokenAsync(expiring, CancellationToken.None);
        await Store.TryRecordUsedTokenAsync(live, CancellationToken.None);
        using var service = new UsedTokenPurgeService(Store, Services.GetRequiredService<EntityFrameworkDcrAuditStore>(), new UsedTokenPurgeSchedule(TimeSpan.FromMinutes(1)), time, NullLogger<UsedTokenPurgeService>.Instance);
        await service.StartAsync(CancellationToken.None);

        // Act: the service runs on its own task (its timer may start after StartAsync returns), so the clock moves a
        // minute at a time until the purge has run; at most a few hours of fake time, well before the live token expires.
        var deadline = DateTime.UtcNow.AddSeconds(15);
        do
        {
            time.Advance(TimeSpan.FromMinutes(1));
            await Task.Delay(50);
        }
        while (await Store.IsRequestTokenUsedAsync(expiring.Issuer, expiring.Jti, CancellationToken.None) && DateTime.UtcNow < deadline);

        await service.StopAsync(CancellationToken.None);

        // Assert
        Assert.That(await Store.IsRequestTokenUsedAsync(expiring.Issuer, expiring.Jti, CancellationToken.None), Is.False);
        Assert.That(await Store.IsRequestTokenUsedAsync(live.Issuer, live.Jti, CancellationToken.None), Is.True);
    }

    [Test]
    public async Task PurgeService_WithoutInterval_EndsAtOnceAndDeletesNothing()
    {
        // Arrange
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero));
        var expiring = TestRegistrations.Token(expiresAt: time.GetUtcNow().AddMinutes(5));
        await Store.TryRecordUsedTokenAsync(expiring, CancellationToken.None);
        using var service = new UsedTokenPurgeService(Store, Services.GetRequiredService<EntityFrameworkDcrAuditStore>(), new UsedTokenPurgeSchedule(null), time, NullLogger<UsedTokenPurgeService>.Instance);

        // Act
        await service.StartAsync(CancellationToken.None);
        time.Advance(TimeSpan.FromDays(1));
        await service.ExecuteTask!;

        // Assert
        Assert.That(await Store.IsRequestTokenUsedAsync(expiring.Issuer, expiring.Jti, CancellationToken.None), Is.True);
    }

    [Test]
    public async Task PurgeService_TablesMissing_LogsAndKeepsRunning()
    {
        // Arrange: a store on a database whose migrations have not been applied; logs collected from every category.
        await using var services = await BuildAsync(async s =>
        {
            s.AddFakeLogging();
            await AddStoreForFreshDatabaseAsync(s);
        });
        var store = services.GetRequiredService<EntityFrameworkClientRegistrationStore>();
        var logs = services.GetFakeLogCollector();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var service = new UsedTokenPurgeService(store, services.GetRequiredService<EntityFrameworkDcrAuditStore>(), new UsedTokenPurgeSchedule(TimeSpan.FromMinutes(1)), time, services.GetRequiredService<ILogger<UsedTokenPurgeService>>());
        await service.StartAsync(CancellationToken.None);

        // Act: ticks until two failures have been logged (bounded).
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (logs.GetSnapshot().Count(r => r.Level >= LogLevel.Warning) < 2 && DateTime.UtcNow < deadline)
        {
            time.Advance(TimeSpan.FromMinutes(1));
            await Task.Delay(50);
        }

        // Assert: each failed tick is logged (by the store as an outage, or by the service), and the service is still
        // running rather than stopping the host.
        Assert.That(logs.GetSnapshot().Count(r => r.Level >= LogLevel.Warning), Is.GreaterThanOrEqualTo(2));
        Assert.That(service.ExecuteTask!.IsCompleted, Is.False);
        await service.StopAsync(CancellationToken.None);
        Assert.That(service.ExecuteTask!.IsFaulted, Is.False);
    }

    [Test]
    public async Task PurgeExpiredRequestTokensAsync_DeletesOnlyTokensExpiredBeforeNow()
    {
        // Arrange
        var now = new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.FromHours(1));
        var expired1 = TestRegistrations.Token(expiresAt: now.AddDays(-1));
        var expired2 = TestRegistrations.Token(expiresAt: now.AddTicks(-10));
        var atNow = TestRegistrations.Token(expiresAt: now.ToOffset(TimeSpan.FromHours(-5)));
        var live = TestRegistrations.Token(expiresAt: now.AddMinutes(5));
        foreach (var token in new[] { expired1, expired2, atNow, live })
        {
            await Store.CreateAsync(TestRegistrations.Create(), token, requireUniqueSoftware: false, CancellationToken.None);
        }

        // Act
        var purged = await Store.PurgeExpiredRequestTokensAsync(now, CancellationToken.None);

        // Assert
        Assert.That(purged, Is.EqualTo(2));
        Assert.Multiple(async () =>
        {
            Assert.That(await Store.IsRequestTokenUsedAsync(expired1.Issuer, expired1.Jti, CancellationToken.None), Is.False);
            Assert.That(await Store.IsRequestTokenUsedAsync(expired2.Issuer, expired2.Jti, CancellationToken.None), Is.False);
            Assert.That(await Store.IsRequestTokenUsedAsync(atNow.Issuer, atNow.Jti, CancellationToken.None), Is.True);
            Assert.That(await Store.IsRequestTokenUsedAsync(live.Issuer, live.Jti, CancellationToken.None), Is.True);
        });
        Assert.That(await CountRowsAsync(), Is.EqualTo((4, 2)));
    }

    [Test]
    public async Task MigrateDcrDatabaseAsync_EmptyDatabase_AppliesEveryMigrationOnce()
    {
        // Arrange
        await using var services = await BuildAsync(AddStoreForFreshDatabaseAsync);
        await using (var before = await services.GetRequiredService<IDbContextFactory<DcrDbContext>>().CreateDbContextAsync())
        {
            Assert.That(await before.Database.GetAppliedMigrationsAsync(), Is.Empty);
        }

        // Act
        await services.MigrateDcrDatabaseAsync();
        await services.MigrateDcrDatabaseAsync();

        // Assert
        await using var context = await services.GetRequiredService<IDbContextFactory<DcrDbContext>>().CreateDbContextAsync();
        Assert.That((await context.Database.GetAppliedMigrationsAsync()).Select(m => m[(m.IndexOf('_', StringComparison.Ordinal) + 1)..]), Is.EqualTo(new[] { "InitialCreate", "AuditTrail", "ClientDisabling" }));
        Assert.That(await context.Database.GetPendingMigrationsAsync(), Is.Empty);
        var store = services.GetRequiredService<IClientRegistrationStore>();
        Assert.That(await store.CreateAsync(TestRegistrations.Create(), TestRegistrations.Token(), true, CancellationToken.None), Is.EqualTo(StoreWriteResult.Success));
    }

    [Test]
    public async Task EveryOperation_ServerUnreachable_ThrowsDcrStoreUnavailableQuickly()
    {
        // Arrange
        await using var services = await BuildAsync(s =>
        {
            AddUnreachableStore(s);
            return Task.CompletedTask;
        });
        var store = services.GetRequiredService<EntityFrameworkClientRegistrationStore>();
        var calls = new Func<Task>[]
        {
            () => store.FindByClientIdAsync("c", CancellationToken.None),
            () => store.ExistsForSoftwareAsync("s", CancellationToken.None),
            () => store.IsRequestTokenUsedAsync("i", "j", CancellationToken.None),
            () => store.CreateAsync(TestRegistrations.Create(), TestRegistrations.Token(), false, CancellationToken.None),
            () => store.CreateAsync(TestRegistrations.Create(), TestRegistrations.Token(), true, CancellationToken.None),
            () => store.UpdateAsync(TestRegistrations.Create(), "stamp", TestRegistrations.Token(), CancellationToken.None),
            () => store.DeleteAsync("c", CancellationToken.None),
            () => store.PurgeExpiredRequestTokensAsync(DateTimeOffset.UtcNow, CancellationToken.None),
            () => store.TryRecordUsedTokenAsync(TestRegistrations.Token(), CancellationToken.None),
        };
        var stopwatch = Stopwatch.StartNew();

        // Act / Assert
        foreach (var call in calls)
        {
            var ex = Assert.ThrowsAsync<DcrStoreUnavailableException>(() => call());
            Assert.That(ex!.InnerException, Is.Not.Null);
            Assert.That(ex, Is.InstanceOf<DcrInfrastructureException>());
        }

        Assert.That(stopwatch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(20)));
    }

    [Test]
    public async Task Store_DatabaseComesBackAfterOutage_RecoversWithoutRestart()
    {
        // Arrange
        Func<Task>? bringBack = null;
        await using var services = await BuildAsync(async s => bringBack = await AddStoreForMissingDatabaseAsync(s));
        var store = services.GetRequiredService<IClientRegistrationStore>();
        Assert.ThrowsAsync<DcrStoreUnavailableException>(() => store.FindByClientIdAsync("c", CancellationToken.None));
        Assert.ThrowsAsync<DcrStoreUnavailableException>(() => store.CreateAsync(TestRegistrations.Create(), TestRegistrations.Token(), true, CancellationToken.None));

        // Act
        await bringBack!();
        await services.MigrateDcrDatabaseAsync();
        var registration = TestRegistrations.Create();
        var result = await store.CreateAsync(registration, TestRegistrations.Token(), true, CancellationToken.None);

        // Assert
        Assert.That(result, Is.EqualTo(StoreWriteResult.Success));
        Assert.That(await store.FindByClientIdAsync(registration.ClientId, CancellationToken.None), Is.Not.Null);
    }
}
