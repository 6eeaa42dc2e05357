// Placeholder until the agent lands (being written now).
int main() { return 0; }
