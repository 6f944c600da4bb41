// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Collections;
using IdentityServer.Dcr.OpenIddict.Applications;
using Microsoft.Extensions.Options;
using OpenIddict.EntityFrameworkCore.Models;

namespace IdentityServer.Dcr.OpenIddict.Tests.Applications;

[TestFixture]
public sealed class DcrApplicationSnapshotsTests
{
    private static readonly System.Reflection.PropertyInfo[] Scalars = [.. typeof(OpenIddictEntityFrameworkCoreApplication).GetProperties()
        .Where(p => p.CanWrite && p.PropertyType == typeof(string))];

    [Test]
    public void Copy_EveryScalarPropertyOfTheEntity_IsCopiedIntoANewInstance()
    {
        // Arrange: every writable string property gets its own value (a property OpenIddict adds later fails here).
        var source = new OpenIddictEntityFrameworkCoreApplication();
        foreach (var property in Scalars)
        {
            property.SetValue(source, "value of " + property.Name);
        }

        // Act
        var copy = DcrApplicationSnapshots.Copy(source);

        // Assert
        Assert.That(Scalars, Has.Length.GreaterThanOrEqualTo(15));
        Assert.That(copy, Is.Not.SameAs(source));
        foreach (var property in Scalars)
        {
            Assert.That(property.GetValue(copy), Is.EqualTo("value of " + property.Name), property.Name);
        }

        var others = typeof(OpenIddictEntityFrameworkCoreApplication).GetProperties()
            .Where(p => p.CanWrite && p.PropertyType != typeof(string) && !typeof(IEnumerable).IsAssignableFrom(p.PropertyType));
        Assert.That(others.Select(p => p.Name), Is.Empty, "a non-string scalar property the copy does not know");
    }

    [Test]
    public void TryAdd_ClientWrittenSinceTheReadBegan_IsNotKept()
    {
        // Arrange
        using var snapshots = new DcrApplicationSnapshots(new StaticOptions(new DcrOpenIddictOptions()));
        var application = new OpenIddictEntityFrameworkCoreApplication { Id = "1", ClientId = "client-1", ConcurrencyToken = "v1" };
        var readBegan = snapshots.Generation;
        snapshots.Evict("client-1");

        // Act
        snapshots.TryAdd(application, readBegan);
        var keptAfterWrite = snapshots.TryGet("client-1", out _);
        snapshots.TryAdd(application, snapshots.Generation);
        var keptWhenQuiet = snapshots.TryGet("client-1", out var kept);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(keptAfterWrite, Is.False);
            Assert.That(keptWhenQuiet, Is.True);
            Assert.That(kept, Is.Not.SameAs(application));
            Assert.That(kept.ConcurrencyToken, Is.EqualTo("v1"));
        });
    }

    [Test]
    public void TryAdd_DurationZero_KeepsNothing()
    {
        // Arrange
        var options = new DcrOpenIddictOptions();
        options.ApplicationCache.Duration = TimeSpan.Zero;
        using var snapshots = new DcrApplicationSnapshots(new StaticOptions(options));

        // Act
        snapshots.TryAdd(new OpenIddictEntityFrameworkCoreApplication { Id = "1", ClientId = "client-1" }, snapshots.Generation);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(snapshots.Enabled, Is.False);
            Assert.That(snapshots.TryGet("client-1", out _), Is.False);
        });
    }

    private sealed class StaticOptions(DcrOpenIddictOptions value) : IOptionsMonitor<DcrOpenIddictOptions>
    {
        public DcrOpenIddictOptions CurrentValue => value;

        public DcrOpenIddictOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<DcrOpenIddictOptions, string?> listener) => null;
    }
}
