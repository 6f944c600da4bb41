// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.EntityFramework.Entities;
using IdentityServer.Dcr.EntityFramework.Stores;
using IdentityServer.Dcr.Stores;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace IdentityServer.Dcr.EntityFramework.Tests;

[TestFixture]
public sealed class DcrEntityFrameworkServiceCollectionExtensionsTests
{
    [Test]
    public void AddDcrSqliteStore_AfterAnotherStore_ReplacesIt()
    {
        // Arrange
        var services = new ServiceCollection();
        services.AddSingleton<IClientRegistrationStore, InMemoryClientRegistrationStore>();

        // Act
        services.AddDcrSqliteStore("Data Source=a.db");

        // Assert
        using var provider = services.BuildServiceProvider();
        Assert.That(services.Count(d => d.ServiceType == typeof(IClientRegistrationStore)), Is.EqualTo(1));
        Assert.That(provider.GetRequiredService<IClientRegistrationStore>(), Is.SameAs(provider.GetRequiredService<EntityFrameworkClientRegistrationStore>()));
    }

    [Test]
    public void AddDcrSqliteStore_CalledTwice_LastConnectionStringWins()
    {
        // Arrange
        var services = new ServiceCollection();

        // Act
        services.AddDcrSqliteStore("Data Source=first.db");
        services.AddDcrSqliteStore("Data Source=second.db");

        // Assert
        using var provider = services.BuildServiceProvider();
        using var context = provider.GetRequiredService<IDbContextFactory<DcrDbContext>>().CreateDbContext();
        Assert.That(context.Database.GetConnectionString(), Is.EqualTo("Data Source=second.db"));
        Assert.That(services.Count(d => d.ServiceType == typeof(IDbContextOptionsConfiguration<SqliteDcrDbContext>)), Is.EqualTo(1));
    }

    [Test]
    public void AddDcrSqliteStore_AfterPostgreSql_StoreUsesSqlite()
    {
        // Arrange
        var services = new ServiceCollection();

        // Act
        services.AddDcrPostgreSqlStore("Host=localhost;Database=dcr");
        services.AddDcrSqliteStore("Data Source=dcr.db");

        // Assert
        using var provider = services.BuildServiceProvider();
        using var context = provider.GetRequiredService<IDbContextFactory<DcrDbContext>>().CreateDbContext();
        Assert.That(context, Is.InstanceOf<SqliteDcrDbContext>());
    }

    [Test]
    public void AddDcrPostgreSqlStore_Schema_IsPartOfTheModel()
    {
        // Arrange
        var services = new ServiceCollection();
        services.AddDcrPostgreSqlStore("Host=localhost;Database=dcr", o => o.Schema = "dcr");
        var other = new ServiceCollection();
        other.AddDcrPostgreSqlStore("Host=localhost;Database=dcr");

        // Act
        using var provider = services.BuildServiceProvider();
        using var otherProvider = other.BuildServiceProvider();
        using var withSchema = provider.GetRequiredService<IDbContextFactory<DcrDbContext>>().CreateDbContext();
        using var withoutSchema = otherProvider.GetRequiredService<IDbContextFactory<DcrDbContext>>().CreateDbContext();

        // Assert
        Assert.That(withSchema.Model.FindEntityType(typeof(ClientRegistrationEntity))!.GetSchema(), Is.EqualTo("dcr"));
        Assert.That(withoutSchema.Model.FindEntityType(typeof(ClientRegistrationEntity))!.GetSchema(), Is.Null);
    }

    [TestCase(" ")]
    [TestCase("")]
    public void AddDcrPostgreSqlStore_BlankSchema_Throws(string schema)
    {
        // Arrange
        var services = new ServiceCollection();

        // Act / Assert
        Assert.Throws<InvalidOperationException>(() => services.AddDcrPostgreSqlStore("Host=localhost", o => o.Schema = schema));
    }

    [Test]
    public void AddDcrStore_TwiceWithDifferentPurgeIntervals_OnePurgeServiceOnTheLastSchedule()
    {
        // Arrange
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddDcrPostgreSqlStore("Host=localhost;Database=dcr");
        services.AddDcrSqliteStore("Data Source=dcr.db", o => o.PurgeInterval = TimeSpan.FromMinutes(1));

        // Act
        using var provider = services.BuildServiceProvider();

        // Assert
        Assert.That(provider.GetServices<IHostedService>().OfType<UsedTokenPurgeService>().Count(), Is.EqualTo(1));
        Assert.That(provider.GetRequiredService<UsedTokenPurgeSchedule>().Interval, Is.EqualTo(TimeSpan.FromMinutes(1)));
    }

    [TestCase(0)]
    [TestCase(-1)]
    public void AddDcrPostgreSqlStore_NonPositivePurgeInterval_Throws(int seconds)
    {
        Assert.Throws<InvalidOperationException>(() => new ServiceCollection().AddDcrPostgreSqlStore("Host=localhost", o => o.PurgeInterval = TimeSpan.FromSeconds(seconds)));
    }

    [Test]
    public void AddDcrPostgreSqlStore_BlankConnectionString_Throws()
    {
        // Act / Assert
        Assert.Throws<ArgumentException>(() => new ServiceCollection().AddDcrPostgreSqlStore(" "));
    }

    [Test]
    public void MigrateDcrDatabaseAsync_NoStoreRegistered_ThrowsWithGuidance()
    {
        // Arrange
        using var provider = new ServiceCollection().BuildServiceProvider();

        // Act
        var ex = Assert.ThrowsAsync<InvalidOperationException>(() => provider.MigrateDcrDatabaseAsync());

        // Assert
        Assert.That(ex!.Message, Does.Contain("AddDcrPostgreSqlStore"));
    }
}
