// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

namespace IdentityServer.Dcr.EntityFramework.Stores;

/// <summary>What a write of <see cref="EntityFrameworkClientRegistrationStore"/> does to a registration.</summary>
public enum RegistrationWriteKind
{
    /// <summary>A new registration is inserted.</summary>
    Create = 0,

    /// <summary>An existing registration is replaced.</summary>
    Update = 1,

    /// <summary>A registration is deleted.</summary>
    Delete = 2,
}
