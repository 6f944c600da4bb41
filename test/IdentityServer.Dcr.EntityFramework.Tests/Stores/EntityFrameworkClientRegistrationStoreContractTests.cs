// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.EntityFramework.Stores;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace IdentityServer.Dcr.EntityFramework.Tests.Stores;

/// <summary>
/// The <see cref="Dcr.Stores.IClientRegistrationStore"/> contract, run against each provider by a derived fixture.
/// Every test gets a fresh, migrated database.
/// </summary>
public abstract partial class EntityFrameworkClientRegistrationStoreContractTests
{
    private ServiceProvider? _services;

    protected IServiceProvider Services => _services ?? throw new InvalidOperationException("Not set up.");

    protected EntityFrameworkClientRegistrationStore Store { get; private set; } = null!;

    /// <summary>Registers the provider's store against a fresh, empty database.</summary>
    protected abstract Task AddStoreForFreshDatabaseAsync(IServiceCollection services);

    /// <summary>Registers a store whose server cannot be reached at all (connect timeout 2 s at most).</summary>
    protected abstract void AddUnreachableStore(IServiceCollection services);

    /// <summary>Registers a store whose database does not exist yet; the returned callback brings it into existence.</summary>
    protected abstract Task<Func<Task>> AddStoreForMissingDatabaseAsync(IServiceCollection services);

    [SetUp]
    public async Task SetUpAsync()
    {
        _services = await BuildAsync(AddStoreForFreshDatabaseAsync);
        await _services.MigrateDcrDatabaseAsync();
        Store = _services.GetRequiredService<EntityFrameworkClientRegistrationStore>();
    }

    [TearDown]
    public async Task TearDownAsync()
    {
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }
    }

    protected static async Task<ServiceProvider> BuildAsync(Func<IServiceCollection, Task> register)
    {
        var services = new ServiceCollection();
        await register(services);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    protected Task<DcrDbContext> ContextAsync()
        => Services.GetRequiredService<IDbContextFactory<DcrDbContext>>().CreateDbContextAsync();

    protected async Task<(int Registrations, int Tokens)> CountRowsAsync()
    {
        await using var context = await ContextAsync();
        return (await context.ClientRegistrations.CountAsync(), await context.UsedRequestTokens.CountAsync());
    }
}
