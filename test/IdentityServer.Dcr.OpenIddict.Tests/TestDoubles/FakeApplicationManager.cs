// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Collections.Immutable;
using System.Reflection;
using OpenIddict.Abstractions;

namespace IdentityServer.Dcr.OpenIddict.Tests.TestDoubles;

/// <summary>
/// An <see cref="IOpenIddictApplicationManager"/> that knows applications by client identifier, with their settings
/// and permissions, and answers only the lookups the DCR token handlers make (the rest throw). Built on
/// <see cref="DispatchProxy"/> so that the double does not restate OpenIddict's large interface.
/// </summary>
public class FakeApplicationManager : DispatchProxy
{
    private readonly Dictionary<string, Application> _applications = new(StringComparer.Ordinal);

    /// <summary>How many times an application was looked up.</summary>
    public int Lookups { get; private set; }

    public static (IOpenIddictApplicationManager Manager, FakeApplicationManager Fake) Create()
    {
        var manager = Create<IOpenIddictApplicationManager, FakeApplicationManager>();
        return (manager, (FakeApplicationManager)(object)manager);
    }

    public void Add(string clientId, IDictionary<string, string> settings, IEnumerable<string> permissions)
        => _applications[clientId] = new Application(clientId, settings.ToImmutableDictionary(), [.. permissions]);

#pragma warning disable CA2012 // DispatchProxy returns the ValueTask boxed; the caller awaits it once.
    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        switch (targetMethod?.Name)
        {
            case nameof(IOpenIddictApplicationManager.FindByClientIdAsync):
                Lookups++;
                return ValueTask.FromResult<object?>(_applications.GetValueOrDefault((string)args![0]!));
            case nameof(IOpenIddictApplicationManager.GetSettingsAsync):
                return ValueTask.FromResult(((Application)args![0]!).Settings);
            case nameof(IOpenIddictApplicationManager.GetPermissionsAsync):
                return ValueTask.FromResult(((Application)args![0]!).Permissions);
            default:
                throw new NotSupportedException($"{targetMethod?.Name} is not used by the DCR token handlers.");
        }
    }
#pragma warning restore CA2012

    private sealed record Application(string ClientId, ImmutableDictionary<string, string> Settings, ImmutableArray<string> Permissions);
}
