// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

namespace IdentityServer.Dcr.Testing.Lifecycle;

/// <summary>A bank's authorization server with OBIE DCR, running on Kestrel over mutual TLS, as the lifecycle suite needs it.</summary>
public interface ILifecycleHost : IAsyncDisposable
{
    /// <summary>The registration endpoint (<c>POST</c>; management at <c>{it}/{ClientId}</c>).</summary>
    Uri RegistrationEndpoint { get; }

    /// <summary>The token endpoint; also the <c>aud</c> of client assertions.</summary>
    Uri TokenEndpoint { get; }
}
