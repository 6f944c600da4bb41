// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using Microsoft.Extensions.DependencyInjection;

namespace IdentityServer.Dcr;

/// <summary>Returned by <c>services.AddDcr(...)</c>: replaces pipeline stages and adds stores and hosts.</summary>
public interface IDcrBuilder
{
    /// <summary>The service collection.</summary>
    IServiceCollection Services { get; }
}
