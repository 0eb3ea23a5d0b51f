namespace NetTwin.Model;

/// <summary>What an intent requires of a flow.</summary>
public enum IntentKind
{
    /// <summary>The flow is delivered and its reply comes back (through <see cref="Intent.Via"/> when given).</summary>
    Reach,
    /// <summary>The flow is NOT delivered.</summary>
    Isolated,
    /// <summary>The flow reaches, and both directions pass the same stateful devices (rule H4).</summary>
    Symmetric,
}

/// <summary>One intent of an intents.yaml (docs/intents.md): a named expectation about one flow.</summary>
/// <param name="From">A VM or NIC name, vnet/subnet, an IP or an on-premises device.</param>
/// <param name="To">A VM or NIC name, an IP (Azure, on-premises or internet).</param>
/// <param name="Via">For reach: a node the request must pass (device, gateway, connection, LNG, firewall, VM).</param>
/// <param name="TranslatedSource">For reach: the source address the destination must see (after SNAT).</param>
public sealed record Intent(string Name, IntentKind Kind, string From, string To, TransportProtocol Protocol, int Port,
    string? Via, string? TranslatedSource, SourceRef Source);
