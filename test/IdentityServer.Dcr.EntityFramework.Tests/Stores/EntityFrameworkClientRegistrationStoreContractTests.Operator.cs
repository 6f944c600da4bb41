// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.Auditing;
using IdentityServer.Dcr.EntityFramework.Stores;
using IdentityServer.Dcr.Stores;
using Microsoft.Extensions.DependencyInjection;

namespace IdentityServer.Dcr.EntityFramework.Tests.Stores;

/// <summary>
/// The queries of an operator's page on each provider: the registration search (text over the identifiers ignoring
/// case, state, pages of a bounded size with the total count, newest first) and the audit summary counted per bucket in
/// the database (bucket edges to the microsecond, the window's ends, a short last bucket, non-UTC input).
/// </summary>
public abstract partial class EntityFrameworkClientRegistrationStoreContractTests
{
    private static readonly DateTimeOffset Day = new(2026, 1, 10, 0, 0, 0, TimeSpan.Zero);

    [Test]
    public async Task Search_TextStatusAndPages_NewestFirstWithTheTotal()
    {
        // Arrange: five registrations a day apart (the newest last), one of them disabled.
        var created = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var registration = TestRegistrations.Create(
                clientId: $"client-{i}-{Guid.NewGuid():N}",
                softwareId: $"Software-{(char)('A' + i)}",
                organisationId: $"0015800001Org{i}",
                issuedAt: Day.AddDays(i),
                claims: $$"""{"software_id":"Software-{{(char)('A' + i)}}","software_client_name":"Name <{{i}}>","org_name":"Org {{i}} Ltd"}""");
            Assert.That(await Store.CreateAsync(registration, TestRegistrations.Token(), requireUniqueSoftware: false, CancellationToken.None), Is.EqualTo(StoreWriteResult.Success));
            created.Add(registration.ClientId);
        }

        Assert.That(await Store.SetDisabledAsync(created[1], disabled: true, CancellationToken.None), Is.EqualTo(StoreWriteResult.Success));

        // Act
        var first = await Store.SearchAsync(new DcrRegistrationSearch { PageSize = 2 }, CancellationToken.None);
        var last = await Store.SearchAsync(new DcrRegistrationSearch { PageSize = 2, Page = 3 }, CancellationToken.None);
        var beyond = await Store.SearchAsync(new DcrRegistrationSearch { PageSize = 2, Page = 4 }, CancellationToken.None);
        var bySoftware = await Store.SearchAsync(new DcrRegistrationSearch { Text = "  software-c " }, CancellationToken.None);
        var byOrganisation = await Store.SearchAsync(new DcrRegistrationSearch { Text = "ORG4" }, CancellationToken.None);
        var byClient = await Store.SearchAsync(new DcrRegistrationSearch { Text = created[0][..12].ToUpperInvariant() }, CancellationToken.None);
        var wildcard = await Store.SearchAsync(new DcrRegistrationSearch { Text = "%" }, CancellationToken.None);
        var disabled = await Store.SearchAsync(new DcrRegistrationSearch { Status = DcrRegistrationStatusFilter.Disabled }, CancellationToken.None);
        var enabled = await Store.SearchAsync(new DcrRegistrationSearch { Status = DcrRegistrationStatusFilter.Enabled, Text = "software" }, CancellationToken.None);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(first.Items.Select(r => r.ClientId), Is.EqualTo(new[] { created[4], created[3] }), "newest first");
            Assert.That((first.TotalCount, first.PageCount, first.Page, first.PageSize), Is.EqualTo((5, 3, 1, 2)));
            Assert.That(last.Items.Select(r => r.ClientId), Is.EqualTo(new[] { created[0] }));
            Assert.That(beyond.Items, Is.Empty);
            Assert.That(beyond.TotalCount, Is.EqualTo(5));
            Assert.That(bySoftware.Items.Select(r => r.ClientId), Is.EqualTo(new[] { created[2] }), "software_id, ignoring case and surrounding spaces");
            Assert.That(byOrganisation.Items.Select(r => r.ClientId), Is.EqualTo(new[] { created[4] }), "org_id");
            Assert.That(byClient.Items.Select(r => r.ClientId), Is.EqualTo(new[] { created[0] }), "client id");
            Assert.That(wildcard.TotalCount, Is.Zero, "the text is a literal, not a LIKE pattern");
            Assert.That(disabled.Items.Select(r => r.ClientId), Is.EqualTo(new[] { created[1] }));
            Assert.That(disabled.Items[0].IsDisabled, Is.True);
            Assert.That(enabled.Items.Select(r => r.ClientId), Is.EqualTo(new[] { created[4], created[3], created[2], created[0] }));
            Assert.That(enabled.TotalCount, Is.EqualTo(4));
        });

        var summary = first.Items[0];
        Assert.Multiple(() =>
        {
            Assert.That(summary.SoftwareId, Is.EqualTo("Software-E"));
            Assert.That(summary.OrganisationId, Is.EqualTo("0015800001Org4"));
            Assert.That(summary.SoftwareName, Is.EqualTo("Name <4>"), "from the SSA's claims, as they are");
            Assert.That(summary.OrganisationName, Is.EqualTo("Org 4 Ltd"));
            Assert.That(summary.SoftwareStatementIssuer, Is.EqualTo("OpenBanking Ltd"));
            Assert.That(summary.TokenEndpointAuthMethod, Is.EqualTo("tls_client_auth"));
            Assert.That(summary.ClientIdIssuedAt, Is.EqualTo(Day.AddDays(4)));
            Assert.That(summary.IsDisabled, Is.False);
            Assert.That(summary.TransportCertificate!.Thumbprint, Is.EqualTo(new string('A', 64)));
            Assert.That(summary.TransportCertificate.NotAfter, Is.EqualTo(EntityFrameworkClientRegistrationStore.ToStoredPrecision(TestRegistrations.IssuedAt.AddYears(1))));
        });
    }

    [TestCase(0, 25)]
    [TestCase(1, 0)]
    [TestCase(1, DcrRegistrationSearch.MaxPageSize + 1)]
    [TestCase(DcrRegistrationSearch.MaxPage + 1, 25)]
    public void Search_PageOrSizeOutOfBounds_Refused(int page, int pageSize)
    {
        Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.SearchAsync(new DcrRegistrationSearch { Page = page, PageSize = pageSize }, CancellationToken.None));
    }

    [Test]
    public void Search_TextTooLong_Refused()
    {
        Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.SearchAsync(new DcrRegistrationSearch { Text = new string('x', DcrRegistrationSearch.MaxTextLength + 1) }, CancellationToken.None));
    }

    [Test]
    public async Task Summarise_ByDay_CountsEachOutcomeInItsBucketToTheMicrosecond()
    {
        // Arrange: entries on both sides of every edge of a three-day window.
        var audit = (EntityFrameworkDcrAuditStore)Services.GetRequiredService<IDcrAuditStore>();
        (DateTimeOffset At, string Operation, string Outcome)[] entries =
        [
            (Day.AddTicks(-10), DcrAuditOperations.Create, DcrAuditOutcomes.Success),                // before the window
            (Day, DcrAuditOperations.Create, DcrAuditOutcomes.Success),                              // day 0, its first microsecond
            (Day.AddHours(5).ToOffset(TimeSpan.FromHours(-7)), DcrAuditOperations.Create, DcrAuditOutcomes.Rejected), // day 0, given in UTC-7
            (Day.AddDays(1).AddTicks(-10), DcrAuditOperations.Update, DcrAuditOutcomes.Rejected),    // day 0, its last microsecond
            (Day.AddDays(1), DcrAuditOperations.Create, DcrAuditOutcomes.Success),                   // day 1
            (Day.AddDays(1).AddHours(12), DcrAuditOperations.Disable, DcrAuditOutcomes.Success),
            (Day.AddDays(1).AddHours(13), DcrAuditOperations.Enable, DcrAuditOutcomes.Success),
            (Day.AddDays(1).AddHours(14), DcrAuditOperations.Update, DcrAuditOutcomes.Success),
            (Day.AddDays(2).AddHours(23), DcrAuditOperations.Delete, DcrAuditOutcomes.Success),      // day 2
            (Day.AddDays(2).AddHours(23), DcrAuditOperations.Create, DcrAuditOutcomes.Success),
            (Day.AddDays(2).AddHours(23), DcrAuditOperations.Create, DcrAuditOutcomes.Success),
            (Day.AddDays(3), DcrAuditOperations.Create, DcrAuditOutcomes.Rejected),                  // the window's end: out
        ];
        foreach (var (at, operation, outcome) in entries)
        {
            await audit.RecordAsync(new DcrAuditRecord { OccurredAt = at, Operation = operation, Outcome = outcome, SoftwareId = "software-s" }, CancellationToken.None);
        }

        // Act: the window given in another offset; buckets are UTC days from its start.
        var days = await audit.SummariseAsync(new DcrAuditActivityQuery { From = Day.ToOffset(TimeSpan.FromHours(2)), To = Day.AddDays(3) }, CancellationToken.None);

        // Assert
        Assert.That(days.Select(d => (d.Start, d.End)), Is.EqualTo(new[]
        {
            (Day, Day.AddDays(1)), (Day.AddDays(1), Day.AddDays(2)), (Day.AddDays(2), Day.AddDays(3)),
        }));
        Assert.That(days.Select(d => d.Start.Offset), Is.All.EqualTo(TimeSpan.Zero), "UTC");
        Assert.Multiple(() =>
        {
            Assert.That(days.Select(d => d.Created), Is.EqualTo(new[] { 1, 1, 2 }));
            Assert.That(days.Select(d => d.Refused), Is.EqualTo(new[] { 2, 0, 0 }));
            Assert.That(days.Select(d => d.Updated), Is.EqualTo(new[] { 0, 1, 0 }));
            Assert.That(days.Select(d => d.Disabled), Is.EqualTo(new[] { 0, 1, 0 }));
            Assert.That(days.Select(d => d.Enabled), Is.EqualTo(new[] { 0, 1, 0 }));
            Assert.That(days.Select(d => d.Deleted), Is.EqualTo(new[] { 0, 0, 1 }));
        });
    }

    [Test]
    public async Task Summarise_EmptyWindowAndShortLastBucket_ZerosAndTheWindowsEnd()
    {
        // Arrange: one success from a real create (its entry is written by the store, at the registration's time).
        var audit = (EntityFrameworkDcrAuditStore)Services.GetRequiredService<IDcrAuditStore>();
        var registration = TestRegistrations.Create();
        await Store.CreateAsync(registration, TestRegistrations.Token(), requireUniqueSoftware: false, CancellationToken.None);
        var from = EntityFrameworkClientRegistrationStore.ToStoredPrecision(registration.UpdatedAt).AddMinutes(-30);

        // Act
        var hours = await audit.SummariseAsync(new DcrAuditActivityQuery { From = from, To = from.AddMinutes(90), BucketSize = TimeSpan.FromHours(1) }, CancellationToken.None);
        var nothing = await audit.SummariseAsync(new DcrAuditActivityQuery { From = Day, To = Day.AddDays(2) }, CancellationToken.None);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(hours.Select(h => h.Created), Is.EqualTo(new[] { 1, 0 }));
            Assert.That(hours[1].End, Is.EqualTo(from.AddMinutes(90)), "the last bucket ends with the window");
            Assert.That(nothing, Has.Count.EqualTo(2));
            Assert.That(nothing.Sum(d => d.Created + d.Refused + d.Updated + d.Deleted + d.Disabled + d.Enabled), Is.Zero);
        });
    }

    [Test]
    public void Summarise_InvalidWindowOrBucket_Refused()
    {
        var audit = (EntityFrameworkDcrAuditStore)Services.GetRequiredService<IDcrAuditStore>();

        Assert.Multiple(() =>
        {
            Assert.ThrowsAsync<ArgumentException>(() => audit.SummariseAsync(new DcrAuditActivityQuery { From = Day, To = Day }, CancellationToken.None));
            Assert.ThrowsAsync<ArgumentException>(() => audit.SummariseAsync(new DcrAuditActivityQuery { From = Day, To = Day.AddDays(1), BucketSize = TimeSpan.FromMilliseconds(1500) }, CancellationToken.None));
            Assert.ThrowsAsync<ArgumentException>(() => audit.SummariseAsync(new DcrAuditActivityQuery { From = Day, To = Day.AddDays(1), BucketSize = TimeSpan.Zero }, CancellationToken.None));
            Assert.ThrowsAsync<ArgumentException>(() => audit.SummariseAsync(new DcrAuditActivityQuery { From = Day, To = Day.AddSeconds(DcrAuditActivityQuery.MaxBuckets + 1), BucketSize = TimeSpan.FromSeconds(1) }, CancellationToken.None));
        });
    }
}
