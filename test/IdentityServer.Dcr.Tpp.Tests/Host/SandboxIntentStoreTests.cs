// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.Authorization;
using IdentityServer.Dcr.Host.Development;
using IdentityServer.Dcr.Tpp.Tests.TestDoubles;
using Microsoft.Data.Sqlite;

namespace IdentityServer.Dcr.Tpp.Tests.Host;

/// <summary>
/// The sandbox's intent store (host/IdentityServer.Dcr.Host/Development/SandboxIntentStore.cs) on a real SQLite file:
/// creation, atomic settlement, expiry of intents not authorised in time, and persistence across a reopen.
/// </summary>
[TestFixture]
public sealed class SandboxIntentStoreTests
{
    private static readonly string[] AccountsBasic = ["ReadAccountsBasic", "ReadBalances"];

    private TempDirectory _directory = null!;
    private ManualTime _time = null!;

    [SetUp]
    public void SetUp()
    {
        _directory = new TempDirectory();
        _time = new ManualTime(new DateTimeOffset(2030, 1, 31, 9, 30, 0, TimeSpan.Zero));
    }

    [TearDown]
    public void TearDown()
    {
        SqliteConnection.ClearAllPools();
        _directory.Dispose();
    }

    private SandboxIntentStore Open(TimeSpan? timeout = null) => new(_directory.Path, timeout, _time);

    [Test]
    public async Task CreateAsync_ThenFindAsync_AwaitsAuthorisationWithItsPermissions()
    {
        // Arrange
        var store = Open();
        var expires = _time.GetUtcNow().AddDays(90);

        // Act
        var created = await store.CreateAsync("client-a", AccountsBasic, expires, null, null, CancellationToken.None);
        var found = await store.FindAsync(created.IntentId, CancellationToken.None);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(created.IntentId, Does.StartWith("aac-").And.Length.EqualTo(36));
            Assert.That(File.Exists(Path.Combine(_directory.Path, "intents.db")), Is.True);
            Assert.That(found, Is.Not.Null);
            Assert.That(found!.IntentId, Is.EqualTo(created.IntentId));
            Assert.That(found.ClientId, Is.EqualTo("client-a"));
            Assert.That(found.Status, Is.EqualTo(IntentStatus.AwaitingAuthorisation));
            Assert.That(found.Permissions, Is.EqualTo(AccountsBasic));
            Assert.That(found.CreatedAt, Is.EqualTo(_time.GetUtcNow()));
            Assert.That(found.ExpiresAt, Is.EqualTo(expires));
        });
    }

    [Test]
    public async Task FindAsync_UnknownIntent_IsNull()
        => Assert.That(await Open().FindAsync("aac-unknown", CancellationToken.None), Is.Null);

    [Test]
    public async Task TrySettleAsync_Twice_FirstWinsSecondReturnsFalse()
    {
        // Arrange
        var store = Open();
        var intent = await store.CreateAsync("client-a", AccountsBasic, null, null, null, CancellationToken.None);

        // Act
        var first = await store.TrySettleAsync(intent.IntentId, "client-a", authorised: true, "customer-1", CancellationToken.None);
        var second = await store.TrySettleAsync(intent.IntentId, "client-a", authorised: false, "customer-2", CancellationToken.None);

        // Assert
        var settled = await store.GetAsync(intent.IntentId, CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(first, Is.True);
            Assert.That(second, Is.False);
            Assert.That(settled!.Status, Is.EqualTo(IntentStatus.Authorised), "the second decision changed nothing");
            Assert.That(settled.CustomerId, Is.EqualTo("customer-1"));
        });
    }

    [Test]
    public async Task TrySettleAsync_ConcurrentDecisionsOnTwoStoreInstances_ExactlyOneWins()
    {
        // Arrange: two instances on the same file, as two hosts on one App_Data would be.
        var a = Open();
        var b = Open();
        var intent = await a.CreateAsync("client-a", AccountsBasic, null, null, null, CancellationToken.None);

        // Act
        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(i =>
            Task.Run(() => (i % 2 == 0 ? a : b).TrySettleAsync(intent.IntentId, "client-a", authorised: i % 3 != 0, "customer-" + i, CancellationToken.None))));

        // Assert
        Assert.That(results.Count(r => r), Is.EqualTo(1));
    }

    [Test]
    public async Task TrySettleAsync_Rejected_IsRecordedAsRejected()
    {
        // Arrange
        var store = Open();
        var intent = await store.CreateAsync("client-a", AccountsBasic, null, null, null, CancellationToken.None);
        _time.Advance(TimeSpan.FromMinutes(5));

        // Act
        var settled = await store.TrySettleAsync(intent.IntentId, "client-a", authorised: false, "customer-1", CancellationToken.None);

        // Assert
        var read = await store.GetAsync(intent.IntentId, CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(settled, Is.True);
            Assert.That(read!.Status, Is.EqualTo(IntentStatus.Rejected));
            Assert.That(read.StatusUpdatedAt, Is.EqualTo(_time.GetUtcNow()));
            Assert.That(read.CreatedAt, Is.EqualTo(_time.GetUtcNow() - TimeSpan.FromMinutes(5)));
        });
    }

    [Test]
    public async Task TrySettleAsync_AnotherClient_ReturnsFalseAndLeavesItAwaiting()
    {
        // Arrange
        var store = Open();
        var intent = await store.CreateAsync("client-a", AccountsBasic, null, null, null, CancellationToken.None);

        // Act
        var settled = await store.TrySettleAsync(intent.IntentId, "client-b", authorised: true, "customer-1", CancellationToken.None);

        // Assert
        Assert.Multiple(async () =>
        {
            Assert.That(settled, Is.False);
            Assert.That((await store.FindAsync(intent.IntentId, CancellationToken.None))!.Status, Is.EqualTo(IntentStatus.AwaitingAuthorisation));
        });
    }

    [Test]
    public async Task TrySettleAsync_NotAuthorisedWithinTheTimeout_IsRevokedAndNotSettleable()
    {
        // Arrange
        var store = Open(TimeSpan.FromMinutes(10));
        var intent = await store.CreateAsync("client-a", AccountsBasic, null, null, null, CancellationToken.None);
        _time.Advance(TimeSpan.FromMinutes(10));

        // Act
        var settled = await store.TrySettleAsync(intent.IntentId, "client-a", authorised: true, "customer-1", CancellationToken.None);

        // Assert
        var found = await store.GetAsync(intent.IntentId, CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(settled, Is.False);
            Assert.That(found!.Status, Is.EqualTo(IntentStatus.Revoked));
            Assert.That(found.StatusUpdatedAt, Is.EqualTo(intent.CreatedAt + TimeSpan.FromMinutes(10)), "revoked when its time ran out");
            Assert.That(found.CustomerId, Is.Null);
        });
    }

    [Test]
    public async Task TrySettleAsync_JustBeforeTheTimeout_Succeeds()
    {
        // Arrange: the default timeout is an hour.
        var store = Open();
        var intent = await store.CreateAsync("client-a", AccountsBasic, null, null, null, CancellationToken.None);
        _time.Advance(TimeSpan.FromMinutes(59));

        // Act / Assert
        Assert.Multiple(async () =>
        {
            Assert.That(store.AuthorisationTimeout, Is.EqualTo(TimeSpan.FromHours(1)));
            Assert.That(await store.TrySettleAsync(intent.IntentId, "client-a", authorised: true, "customer-1", CancellationToken.None), Is.True);
        });
    }

    [Test]
    public async Task TrySettleAsync_ExpirationDateTimePassedWhileAwaiting_IsRevokedAndNotSettleable()
    {
        // Arrange: access that would end in 2 minutes can no longer be granted after them.
        var store = Open();
        var intent = await store.CreateAsync("client-a", AccountsBasic, _time.GetUtcNow().AddMinutes(2), null, null, CancellationToken.None);
        _time.Advance(TimeSpan.FromMinutes(3));

        // Act
        var settled = await store.TrySettleAsync(intent.IntentId, "client-a", authorised: true, "customer-1", CancellationToken.None);

        // Assert
        Assert.Multiple(async () =>
        {
            Assert.That(settled, Is.False);
            Assert.That((await store.FindAsync(intent.IntentId, CancellationToken.None))!.Status, Is.EqualTo(IntentStatus.Revoked));
        });
    }

    [Test]
    public async Task Reopen_IntentsAndDecisionsSurvive()
    {
        // Arrange
        var from = _time.GetUtcNow().AddDays(-30);
        var to = _time.GetUtcNow();
        string awaitingId, authorisedId;
        {
            var first = Open();
            awaitingId = (await first.CreateAsync("client-a", AccountsBasic, null, from, to, CancellationToken.None)).IntentId;
            authorisedId = (await first.CreateAsync("client-a", ["ReadTransactionsDetail", "ReadTransactionsDebits"], null, null, null, CancellationToken.None)).IntentId;
            Assert.That(await first.TrySettleAsync(authorisedId, "client-a", authorised: true, "customer-1", CancellationToken.None), Is.True);
        }

        SqliteConnection.ClearAllPools();

        // Act
        var reopened = Open();
        var awaiting = await reopened.GetAsync(awaitingId, CancellationToken.None);
        var authorised = await reopened.GetAsync(authorisedId, CancellationToken.None);

        // Assert
        Assert.Multiple(async () =>
        {
            Assert.That(awaiting!.Status, Is.EqualTo(IntentStatus.AwaitingAuthorisation));
            Assert.That(awaiting.TransactionFrom, Is.EqualTo(from));
            Assert.That(awaiting.TransactionTo, Is.EqualTo(to));
            Assert.That(authorised!.Status, Is.EqualTo(IntentStatus.Authorised));
            Assert.That(authorised.Permissions, Is.EqualTo(new[] { "ReadTransactionsDetail", "ReadTransactionsDebits" }));
            Assert.That(authorised.CustomerId, Is.EqualTo("customer-1"));
            Assert.That(await reopened.TrySettleAsync(awaitingId, "client-a", authorised: true, "customer-2", CancellationToken.None), Is.True);
            Assert.That(await reopened.TrySettleAsync(authorisedId, "client-a", authorised: false, "customer-2", CancellationToken.None), Is.False);
        });
    }

    [Test]
    public void Constructor_NonPositiveTimeout_Throws()
        => Assert.That(() => new SandboxIntentStore(_directory.Path, TimeSpan.Zero), Throws.TypeOf<ArgumentOutOfRangeException>());

    /// <summary>A clock the test moves.</summary>
    private sealed class ManualTime(DateTimeOffset start) : TimeProvider
    {
        private DateTimeOffset _now = start;

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
