// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.OpenIddict.Applications;
using IdentityServer.Dcr.OpenIddict.EntityFramework;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using OpenIddict.EntityFrameworkCore;

namespace IdentityServer.Dcr.OpenIddict.Stores;

/// <summary>What <see cref="OpenIddictClientRegistrationStore"/> needs to write applications, as one service.</summary>
internal sealed class OpenIddictApplicationWriteServices(
    DcrOpenIddictDbContextOptionsFactory contexts,
    IMemoryCache cache,
    IOptionsMonitor<OpenIddictEntityFrameworkCoreOptions> entityFrameworkOptions,
    DcrApplicationMapper mapper,
    DcrApplicationSnapshots snapshots)
{
    public DcrOpenIddictDbContextOptionsFactory Contexts { get; } = contexts;

    public IMemoryCache Cache { get; } = cache;

    public IOptionsMonitor<OpenIddictEntityFrameworkCoreOptions> EntityFrameworkOptions { get; } = entityFrameworkOptions;

    public DcrApplicationMapper Mapper { get; } = mapper;

    public DcrApplicationSnapshots Snapshots { get; } = snapshots;
}
