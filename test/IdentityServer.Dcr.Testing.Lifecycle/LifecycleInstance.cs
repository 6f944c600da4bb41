// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

namespace IdentityServer.Dcr.Testing.Lifecycle;

/// <summary>One instance of a bank among several behind a load balancer: where it is reached, and what stops it.</summary>
/// <param name="RegistrationEndpoint">The instance's own registration endpoint.</param>
/// <param name="TokenEndpoint">The instance's own token endpoint.</param>
/// <param name="Owner">Stops the instance.</param>
public sealed record LifecycleInstance(Uri RegistrationEndpoint, Uri TokenEndpoint, IAsyncDisposable Owner) : ILifecycleHost
{
    public ValueTask DisposeAsync() => Owner.DisposeAsync();
}
